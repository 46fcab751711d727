package lesson

import (
	"fmt"
	"strings"
	"time"
)

// Row is one documented fact next to what was observed.
type Row struct {
	Fact       string
	Documented string
	Observed   string
	OK         bool
	// NotObserved says why the fact could not be observed on this cluster
	// (for example RBAC forbids reading nodes); such a row is shown, never
	// counted as matching, and does not fail the lab.
	NotObserved string `json:",omitempty"`
	// Hint, on a differing fact, says where to look (its FactRef's).
	Hint *Hint `json:",omitempty"`
	// ID is the row's stable id ("ten-by-five/completions",
	// "manifest/job-normal-end.yaml"); FactJa is its name in Japanese.
	ID     string `json:",omitempty"`
	FactJa string `json:",omitempty"`
	// Short names the row in a word where its name is long: a manifest
	// field's last name (command), for the class page's compact cells.
	Short string `json:",omitempty"`
}

// FactIn is the row's fact name in a language: its Japanese name for
// "ja" (its step's, fact's or joblab's own row's), else the name as
// recorded.
func (row Row) FactIn(lang string) string {
	if lang == "ja" && row.FactJa != "" {
		return row.FactJa
	}
	return row.Fact
}

// Report is a lab's documented-versus-observed table.
type Report struct {
	Lab string
	// Namespace is where the lab ran, for the hints' kubectl commands.
	Namespace string `json:",omitempty"`
	Rows      []Row
	// Pods are the lab's pods as they were seen to come and go: its
	// timeline.
	Pods []PodSpan `json:",omitempty"`
	// Measured is the lab's timing that the reports set next to its pair's
	// (Pairs: the lesson's way and the modern way of one situation).
	Measured *Measure `json:",omitempty"`
	// NotVerified, when set, says why the lab could not observe the fact it
	// exists for: the lab is not verified (neither passed nor differs).
	NotVerified string `json:",omitempty"`
}

// Measure is what a lab timed, and how long it took.
type Measure struct {
	What string
	Took time.Duration
}

// Measure records the lab's timing for the old-way / new-way comparison.
func (r *Report) Measure(what string, took time.Duration) {
	r.Measured = &Measure{What: what, Took: took.Round(time.Second)}
}

// PodSpan is one pod's life as the lab saw it. A time not seen is zero.
type PodSpan struct {
	Name     string
	Created  time.Time
	Started  time.Time `json:",omitzero"`
	Finished time.Time `json:",omitzero"`
	Deleted  time.Time `json:",omitzero"`
	// Phase is the last phase seen: Succeeded, Failed, Running, ...
	Phase string
}

// FactRef names a row: its stable id within the lab, its name in English and in the
// notes' Japanese, and the hint a student gets when it differs ({ns} is
// the lab's namespace). Every row is made from one, by the step, the fact
// or the part of joblab that adds it: no row's words are looked up from
// its English name.
type FactRef struct {
	ID, Name, Ja string
	Hint         *Hint
	// Short is the row's name in a word, where it has one (Row.Short).
	Short string
}

// Add records a fact; ok says whether the observation matches the lesson.
// A differing fact carries its hint.
func (r *Report) Add(f FactRef, documented, observed string, ok bool) {
	row := Row{Fact: f.Name, Documented: documented, Observed: observed, OK: ok, ID: r.id(f), FactJa: f.Ja, Short: f.Short}
	if !ok {
		row.Hint = r.hint(f.Hint)
	}
	r.Rows = append(r.Rows, row)
}

// NotObservable records a fact that could not be observed here, and why.
func (r *Report) NotObservable(f FactRef, documented, why string) {
	r.Rows = append(r.Rows, Row{Fact: f.Name, Documented: documented, Observed: "not observed: " + why, OK: true, NotObserved: why, ID: r.id(f), FactJa: f.Ja, Short: f.Short})
}

// id is a row's id in the report: the lab's name, then the row's own
// ("normal/completions").
func (r *Report) id(f FactRef) string {
	if f.ID == "" {
		return ""
	}
	return r.Lab + "/" + f.ID
}

// hint is a row's hint with the lab's namespace filled in.
func (r *Report) hint(h *Hint) *Hint {
	if h == nil || h.En == "" {
		return nil
	}
	ns := r.Namespace
	if ns == "" {
		ns = "<namespace>"
	}
	fill := strings.NewReplacer("{ns}", ns)
	return &Hint{En: fill.Replace(h.En), Ja: fill.Replace(h.Ja)}
}

// Equal records a fact whose observation must equal the documented value.
func (r *Report) Equal(f FactRef, documented, observed any) bool {
	d, o := fmt.Sprint(documented), fmt.Sprint(observed)
	r.Add(f, d, o, d == o)
	return d == o
}

// Failed lists the facts that do not match.
func (r Report) Failed() []Row {
	var out []Row
	for _, row := range r.Rows {
		if !row.OK {
			out = append(out, row)
		}
	}
	return out
}

// Mark is a row's verdict word: ok, DIFFERS, or n/a (not observed).
func (row Row) Mark() string {
	switch {
	case row.NotObserved != "":
		return "n/a"
	case !row.OK:
		return "DIFFERS"
	}
	return "ok"
}

// Markdown renders the report as a Markdown table.
func (r Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n| | fact | the lesson says | observed | where to look |\n| --- | --- | --- | --- | --- |\n", r.Lab)
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", row.Mark(), esc(row.Fact), esc(row.Documented), esc(row.Observed), esc(row.Hint.In("en")))
	}
	return b.String()
}

// Text renders the report as aligned plain text, for terminals and logs.
func (r Report) Text() string {
	w := [3]int{4, 15, 8}
	for _, row := range r.Rows {
		w[0] = max(w[0], len(row.Fact))
		w[1] = max(w[1], len(row.Documented))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "lab %s: what the lesson says next to what happened\n", r.Lab)
	fmt.Fprintf(&b, "  %-7s %-*s  %-*s  %s\n", "", w[0], "fact", w[1], "the lesson says", "observed")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "  %-7s %-*s  %-*s  %s\n", row.Mark(), w[0], row.Fact, w[1], row.Documented, row.Observed)
		if h := row.Hint.In("en"); h != "" {
			fmt.Fprintf(&b, "  %-7s   where to look: %s\n", "", h)
		}
	}
	return b.String()
}

func esc(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
