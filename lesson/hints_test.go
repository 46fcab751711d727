package lesson

import (
	"strings"
	"testing"
)

// TestOnlyDifferingFactsGetHints: a matching or unobserved row has no
// hint; a differing one its FactRef's, with the lab's namespace filled,
// and its id within the report carries the lab's name.
func TestOnlyDifferingFactsGetHints(t *testing.T) {
	r := Report{Lab: "normal", Namespace: "s1"}
	completions := FactRef{ID: "completions", Name: "kubectl get jobs: COMPLETIONS", Ja: "kubectl get jobs: COMPLETIONS(実行回数)", Hint: &Hint{En: "kubectl describe job normal-job -n {ns}", Ja: "kubectl describe job normal-job -n {ns} を見て"}}
	r.Equal(completions, "6/6", "6/6")
	r.Equal(completions, "6/6", "5/6")
	r.NotObservable(completions, "6/6", "forbidden")
	r.Add(FactRef{Name: "no hint"}, "1", "2", false)
	if r.Rows[0].Hint != nil || r.Rows[2].Hint != nil || r.Rows[3].Hint != nil {
		t.Error("a matching or unobserved fact, or one without a hint, got a hint")
	}
	if h := r.Rows[1].Hint; h == nil || h.In("en") != "kubectl describe job normal-job -n s1" || h.In("ja") != "kubectl describe job normal-job -n s1 を見て" {
		t.Errorf("the differing fact's hint: %+v", h)
	}
	if r.Rows[1].ID != "normal/completions" || r.Rows[2].ID != "normal/completions" || r.Rows[3].ID != "" {
		t.Errorf("ids %q %q %q", r.Rows[1].ID, r.Rows[2].ID, r.Rows[3].ID)
	}
	if r.Rows[1].FactIn("ja") != "kubectl get jobs: COMPLETIONS(実行回数)" || r.Rows[3].FactIn("ja") != "no hint" || r.Rows[1].FactIn("en") != "kubectl get jobs: COMPLETIONS" {
		t.Errorf("names: %q %q", r.Rows[1].FactIn("ja"), r.Rows[3].FactIn("ja"))
	}
	if h := (&Report{Lab: "normal"}).hint(completions.Hint); !strings.Contains(h.En, "-n <namespace>") {
		t.Errorf("without a namespace: %q", h.En)
	}
}

// TestJoblabsOwnRowsReadInJapanese: the rows joblab adds beside the lab
// folders' facts and steps (the manifest's comparison, a file's origin,
// the release) have ids of their own, Japanese names and, where they can
// differ, hints in both languages naming what to look at.
func TestJoblabsOwnRowsReadInJapanese(t *testing.T) {
	for _, c := range []struct {
		row          FactRef
		id, name, ja string
		hint         string // "" when the row is never a difference
	}{
		{ManifestRow("job-normal-end.yaml"), "manifest/job-normal-end.yaml", "job-normal-end.yaml: the manifest", "job-normal-end.yaml: マニフェスト", "field by field"},
		{ManifestUnreadRow("pn_job.yaml"), "manifest/pn_job.yaml", "manifest pn_job.yaml", "マニフェスト pn_job.yaml", "field by field"},
		{FieldRow("taskQueue-deploy.yaml", "Service taskqueue", "spec.ports[5672/TCP].nodePort"), "manifest/taskQueue-deploy.yaml/Service/taskqueue/spec.ports[5672/TCP].nodePort",
			"taskQueue-deploy.yaml: Service taskqueue spec.ports[5672/TCP].nodePort", "taskQueue-deploy.yaml: Service taskqueue spec.ports[5672/TCP].nodePort", "kubectl get service taskqueue -n {ns} -o yaml"},
		{WrittenByRow("pn_job.yaml"), "manifest/pn_job.yaml/written-by", "pn_job.yaml: written by", "pn_job.yaml: 書いた人", "pn_job.yaml"},
		{DepartureRow("cron-job.yaml", "CronJob hello", "apiVersion"), "departure/cron-job.yaml/CronJob/hello/apiVersion", "cron-job.yaml: CronJob hello apiVersion (this project departs from the notes)", "cron-job.yaml: CronJob hello apiVersion(このプロジェクトがテキストと異なる点)", ""},
		{NodePortAllowedRow("taskQueue-deploy.yaml", "taskqueue"), "manifest/taskQueue-deploy.yaml/Service/taskqueue/nodePort-allowed", "taskQueue-deploy.yaml: Service taskqueue nodePort (a departure the teacher allowed)", "taskQueue-deploy.yaml: サービス taskqueue の nodePort(教師が認めたテキストとの違い)", ""},
		{ApplyRow("job.yaml"), "apply/job.yaml", "kubectl apply -f job.yaml", "job.yaml の適用(kubectl apply -f)", "job.yaml"},
		{ReleaseRow(), "release", "Kubernetes release", "Kubernetes のリリース", "kubectl version"},
	} {
		if c.row.ID != c.id || c.row.Name != c.name || c.row.Ja != c.ja {
			t.Errorf("row %+v: want id %q, name %q, ja %q", c.row, c.id, c.name, c.ja)
		}
		switch {
		case c.hint == "" && c.row.Hint != nil:
			t.Errorf("%s is never a difference but has a hint", c.name)
		case c.hint != "" && (c.row.Hint == nil || !strings.Contains(c.row.Hint.En, c.hint) || c.row.Hint.Ja == "" || c.row.Hint.Ja == c.row.Hint.En):
			t.Errorf("%s: hint %+v, want one naming %q in both languages", c.name, c.row.Hint, c.hint)
		}
	}
	// A field row's hint names the object that differs, as kubectl does.
	if h := FieldRow("job-normal-end.yaml", "Job normal-job", "spec.completions").Hint; !strings.Contains(h.En, "kubectl get job normal-job -n {ns} -o yaml") || !strings.Contains(h.Ja, "kubectl get job normal-job -n {ns} -o yaml") {
		t.Errorf("field hint %+v", h)
	}
}

// TestEveryLessonRowReadsInJapanese: every fact and every step row of
// joblab's own lab folders has its Japanese name and, where it can
// differ, a hint in both languages, made from the folder and the
// vocabulary (keyed by the fact or step, not by its English name).
func TestEveryLessonRowReadsInJapanese(t *testing.T) {
	n := 0
	for _, l := range embeddedLabs {
		for _, run := range l.Parts() {
			for _, f := range run.Facts {
				n++
				h := f.HintFor("ns1")
				if ja := f.JaName(); ja == "" || ja == f.RowName() {
					t.Errorf("%s/%s %q has no Japanese name", run.ReportName(), f.ID, f.RowName())
				}
				// ({port} is the broker's NodePort, filled as the lab runs.)
				if h.En == "" || h.Ja == "" || h.Ja == h.En || strings.Contains(strings.ReplaceAll(h.En+h.Ja, "{port}", ""), "{") {
					t.Errorf("%s/%s: hint %+v: want both languages, every placeholder filled", run.ReportName(), f.ID, h)
				}
			}
			for _, st := range run.Steps {
				for _, row := range st.Rows("ns1") {
					n++
					if row.Ja == "" || row.Ja == row.Name || row.Hint.En == "" || row.Hint.Ja == "" || strings.Contains(row.Hint.En+row.Hint.Ja, "{") {
						t.Errorf("%s/%s: %+v: want a Japanese name and a hint in both languages", run.ReportName(), row.ID, row)
					}
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("%d rows in the lesson's folders; the lesson's labs alone hold more than 100", n)
	}
}
