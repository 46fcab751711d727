package report

import (
	"bytes"
	"html/template"
	"strings"
	"time"
)

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"round":   func(d time.Duration) string { return d.Round(time.Second).String() },
	"slug":    func(s string) string { return strings.ReplaceAll(s, " ", "-") },
	"oneLine": OneLine,
	"date":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}).Funcs(langFuncs("en")).Parse(`<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; font-size: .9rem; }
th { background: #f3f3f3; }
.passed { color: #0a6b2d; font-weight: 600; } .failed, .differs { color: #b00020; font-weight: 600; }
.not-verified { color: #5b3ea8; font-weight: 600; }
.hint { color: #444; font-size: .8rem; }
.value { white-space: pre-wrap; } /* a log excerpt keeps its spacing: numpy's columns */
pre { background: #f7f7f7; padding: .6rem; overflow-x: auto; font-size: .8rem; white-space: pre; }
h3 { font-size: 1rem; } figure.timeline { margin: .5rem 0 1rem; overflow-x: auto; }
code { font-size: .85rem; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p>{{if .Cluster}}{{t "Cluster"}}: <code>{{.Cluster}}</code>. {{end}}{{t "Started"}} {{date .Started}}, {{t "took"}} {{round .Duration}}.
{{t "verdict"}}: {{if .Passed}}<span class="passed">{{t "every lab passed"}}</span>{{else if .OnlyNotVerified}}<span class="not-verified">{{t "some labs not verified"}}</span>{{else}}<span class="failed">{{t "some labs failed"}}</span>{{end}}.</p>
<table id="summary">
<thead><tr><th>{{t "lab"}}</th><th>{{t "verdict"}}</th><th>{{t "duration"}}</th><th>{{t "reason"}}</th></tr></thead>
<tbody>{{range .Labs}}
<tr><td><a href="#lab-{{.Lab}}">{{.Lab}}</a></td><td class="{{slug .Verdict}}">{{t .Verdict}}</td><td>{{round .Duration}}</td><td>{{oneLine .Reason}}</td></tr>{{end}}
</tbody>
</table>
{{with .Pairs}}<h2>{{t "The lesson's way and today's way"}}</h2>
<table id="pairs">
<thead><tr><th>{{t "the lesson's way"}}</th><th>{{t "today's way"}}</th><th>{{t "took (lesson)"}}</th><th>{{t "took (today's)"}}</th></tr></thead>
<tbody>{{range .}}
<tr><td>{{.Pair.Old}}</td><td>{{.Pair.New}}: {{.What}}</td><td>{{.Old}}</td><td>{{.New}}</td></tr>{{end}}
</tbody>
</table>{{end}}
{{range .Labs}}
<section class="lab" id="lab-{{.Lab}}" data-verdict="{{.Verdict}}">
<h2>{{.Lab}}: {{.Spec}}</h2>
<p class="{{slug .Verdict}}">{{t .Verdict}}, {{round .Duration}}</p>
{{if .Facts}}<table>
<thead><tr><th></th><th>{{t "fact"}}</th><th>{{t "the lesson says"}}</th><th>{{t "observed"}}</th></tr></thead>
<tbody>{{range .Facts}}
<tr><td class="{{if .NotObserved}}na{{else if .OK}}passed{{else}}differs{{end}}">{{t .Mark}}</td><td>{{fact .}}</td><td class="value">{{value .Documented}}</td><td><span class="value">{{value .Observed}}</span>{{with hint .Hint}}<div class="hint">{{t "where to look"}}: {{.}}</div>{{end}}</td></tr>{{end}}
</tbody>
</table>{{end}}
{{with timeline .Pods}}<h3>{{t "timeline"}}</h3>
<figure class="timeline">{{.}}</figure>{{end}}
{{if .Reason}}<pre>{{.Reason}}</pre>{{end}}
</section>
{{end}}
</body>
</html>
`))

// HTML renders the run as one self-contained page: no scripts, no
// external files.
func (r Run) HTML() (string, error) {
	return render(page, r.Lang, struct {
		Run
		Passed bool
	}{r, r.Passed()})
}

// render executes a page template in a language: a clone of it, with the
// language's words.
func render(t *template.Template, lang string, data any) (string, error) {
	tmpl, err := t.Clone()
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := tmpl.Funcs(langFuncs(lang)).Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}
