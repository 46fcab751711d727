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
	// Hint, on a differing fact, says where to look (HintFor).
	Hint *Hint `json:",omitempty"`
	// ID is the fact's stable id, for the facts of a lab folder
	// ("ten-by-five/completions"); FactJa is its name in Japanese, which
	// the folder gives.
	ID     string `json:",omitempty"`
	FactJa string `json:",omitempty"`
}

// FactIn is the row's fact name in a language: the Japanese its lab
// folder gives, else FactIn's.
func (row Row) FactIn(lang string) string {
	if lang == "ja" && row.FactJa != "" {
		return row.FactJa
	}
	return FactIn(lang, row.Fact)
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
	// known are the rows a lab folder's steps may add, by name: their id,
	// Japanese name and hint are the step's (Know).
	known map[string]FactRef
}

// Know tells the report a row a lab folder's step may add: when a row of
// that name is added, it carries the step's id, Japanese name and hint.
func (r *Report) Know(f FactRef) {
	if r.known == nil {
		r.known = map[string]FactRef{}
	}
	r.known[f.Name] = f
}

// stepRow gives a row a step's id, Japanese name and hint, when a step
// made it.
func (r *Report) stepRow(row *Row) {
	f, ok := r.known[row.Fact]
	if !ok {
		return
	}
	row.ID, row.FactJa = f.ID, f.Ja
	if !row.OK && row.NotObserved == "" && f.Hint != nil {
		row.Hint = f.Hint
	}
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

// Add records a fact; ok says whether the observation matches the lesson.
// A differing fact gets its hint.
func (r *Report) Add(fact, documented, observed string, ok bool) {
	row := Row{Fact: fact, Documented: documented, Observed: observed, OK: ok}
	if !ok {
		row.Hint = HintFor(r.Lab, fact, r.Namespace)
	}
	r.stepRow(&row)
	r.Rows = append(r.Rows, row)
}

// FactRef names a lab folder's fact: its stable id, its Japanese name
// and its own hint (nil: HintFor's).
type FactRef struct {
	ID, Name, Ja string
	Hint         *Hint
}

// AddFact records a lab folder's fact, like Add, with its id, its
// Japanese name and, when it differs, its own hint.
func (r *Report) AddFact(f FactRef, documented, observed string, ok bool) {
	r.Add(f.Name, documented, observed, ok)
	row := &r.Rows[len(r.Rows)-1]
	row.ID, row.FactJa = f.ID, f.Ja
	if !ok && f.Hint != nil {
		row.Hint = f.Hint
	}
}

// NotObservableFact is NotObservable of a lab folder's fact.
func (r *Report) NotObservableFact(f FactRef, documented, why string) {
	r.NotObservable(f.Name, documented, why)
	row := &r.Rows[len(r.Rows)-1]
	row.ID, row.FactJa = f.ID, f.Ja
}

// NotObservable records a fact that could not be observed here, and why.
func (r *Report) NotObservable(fact, documented, why string) {
	row := Row{Fact: fact, Documented: documented, Observed: "not observed: " + why, OK: true, NotObserved: why}
	r.stepRow(&row)
	r.Rows = append(r.Rows, row)
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
