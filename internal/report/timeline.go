package report

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"

	"github.com/joblab/joblab/lesson"
)

// Timeline drawing: a row per pod, left to right in time.
const (
	tlLabel  = 170 // width of the pod names
	tlChart  = 620 // width of the time axis
	tlRow    = 16
	tlTop    = 22 // room for the axis' labels
	tlBottom = 18 // room for the legend
)

// TimelineSVG draws a lab's pods on a time axis as an inline SVG: waiting
// (created, not started) in grey, running then ended in green (succeeded),
// red (failed) or blue (still running or unknown), and a black mark where
// the pod was deleted. One pod at a time against two at a time, the
// back-off's growing gaps and the cron runs a minute apart show at a
// glance. Empty when the lab saw no pod.
func TimelineSVG(pods []lesson.PodSpan, lang string) template.HTML {
	if len(pods) == 0 {
		return ""
	}
	t0, t1 := pods[0].Created, pods[0].Created
	for _, p := range pods {
		for _, t := range []time.Time{p.Created, p.Started, p.Finished, p.Deleted} {
			if t.IsZero() {
				continue
			}
			if t.Before(t0) {
				t0 = t
			}
			if t.After(t1) {
				t1 = t
			}
		}
	}
	span := t1.Sub(t0)
	if span < 10*time.Second {
		span = 10 * time.Second
	}
	x := func(t time.Time) float64 { return tlLabel + float64(t.Sub(t0))/float64(span)*tlChart }
	height := tlTop + len(pods)*tlRow + tlBottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		tlLabel+tlChart+10, height, tlLabel+tlChart+10, height, html.EscapeString(word(lang, "pods over time")))
	b.WriteString(`<style>text{font:10px sans-serif;fill:#333}</style>`)
	step := tickStep(span)
	for s := time.Duration(0); s <= span; s += step {
		px := tlLabel + float64(s)/float64(span)*tlChart
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`, px, tlTop-4, px, tlTop+len(pods)*tlRow)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, px, tlTop-8, clock(s))
	}
	for i, p := range pods {
		y := tlTop + i*tlRow
		fmt.Fprintf(&b, `<g class="pod" data-pod="%s" data-phase="%s">`, html.EscapeString(p.Name), html.EscapeString(p.Phase))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, tlLabel-6, y+11, html.EscapeString(shortName(p.Name)))
		end := t1
		if !p.Deleted.IsZero() {
			end = p.Deleted
		}
		runEnd := end
		if !p.Finished.IsZero() {
			runEnd = p.Finished
		}
		wait := end
		if !p.Started.IsZero() {
			wait = p.Started
		}
		bar(&b, x(p.Created), x(wait), y, "#bdbdbd", fmt.Sprintf("%s: %s %s", p.Name, word(lang, "created"), clock(p.Created.Sub(t0))))
		if !p.Started.IsZero() {
			colour := "#1565c0"
			switch p.Phase {
			case "Succeeded":
				colour = "#2e7d32"
			case "Failed":
				colour = "#c62828"
			}
			bar(&b, x(p.Started), x(runEnd), y, colour, fmt.Sprintf("%s: %s %s–%s (%s)", p.Name, word(lang, "ran"), clock(p.Started.Sub(t0)), clock(runEnd.Sub(t0)), word(lang, p.Phase)))
		}
		if !p.Deleted.IsZero() {
			px := x(p.Deleted)
			fmt.Fprintf(&b, `<line class="deleted" x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000" stroke-width="2"><title>%s</title></line>`,
				px, y+1, px, y+tlRow-3, html.EscapeString(fmt.Sprintf("%s: %s %s", p.Name, word(lang, "deleted"), clock(p.Deleted.Sub(t0)))))
		}
		b.WriteString(`</g>`)
	}
	ly := tlTop + len(pods)*tlRow + 12
	lx := tlLabel
	for _, l := range []struct{ colour, what string }{{"#bdbdbd", "waiting"}, {"#2e7d32", "Succeeded"}, {"#c62828", "Failed"}, {"#1565c0", "running"}, {"#000", "deleted"}} {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="8" fill="%s"/><text x="%d" y="%d">%s</text>`, lx, ly-8, l.colour, lx+13, ly, html.EscapeString(word(lang, l.what)))
		lx += 95
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // #nosec G203 -- every value written is escaped above
}

func bar(b *strings.Builder, x0, x1 float64, y int, colour, title string) {
	w := x1 - x0
	if w < 1.5 {
		w = 1.5
	}
	fmt.Fprintf(b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>`, x0, y+2, w, tlRow-5, colour, html.EscapeString(title))
}

// tickStep is a round step that puts at most ten ticks on the axis.
func tickStep(span time.Duration) time.Duration {
	for _, s := range []time.Duration{5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute} {
		if span/s <= 10 {
			return s
		}
	}
	return 30 * time.Minute
}

// clock shows an offset as m:ss.
func clock(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// shortName keeps a pod name's end when it is too long for the column.
func shortName(name string) string {
	if len(name) <= 28 {
		return name
	}
	return "…" + name[len(name)-27:]
}
