package lesson

import (
	"fmt"
	"strings"
)

// Row is one documented fact next to what was observed.
type Row struct {
	Fact       string
	Documented string
	Observed   string
	OK         bool
}

// Report is a lab's documented-versus-observed table.
type Report struct {
	Lab  string
	Rows []Row
}

// Add records a fact; ok says whether the observation matches the lesson.
func (r *Report) Add(fact, documented, observed string, ok bool) {
	r.Rows = append(r.Rows, Row{fact, documented, observed, ok})
}

// Equal records a fact whose observation must equal the documented value.
func (r *Report) Equal(fact string, documented, observed any) bool {
	d, o := fmt.Sprint(documented), fmt.Sprint(observed)
	r.Add(fact, d, o, d == o)
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

// Markdown renders the report as a Markdown table.
func (r Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n| | fact | the lesson says | observed |\n| --- | --- | --- | --- |\n", r.Lab)
	for _, row := range r.Rows {
		mark := "ok"
		if !row.OK {
			mark = "DIFFERS"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mark, esc(row.Fact), esc(row.Documented), esc(row.Observed))
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
		mark := "ok"
		if !row.OK {
			mark = "DIFFERS"
		}
		fmt.Fprintf(&b, "  %-7s %-*s  %-*s  %s\n", mark, w[0], row.Fact, w[1], row.Documented, row.Observed)
	}
	return b.String()
}

func esc(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
