package lesson

import (
	"strings"
	"testing"
)

func TestHintsNameTheFieldThatDecides(t *testing.T) {
	cases := []struct{ lab, fact, want string }{
		{"abnormal", "pods created (first try + backoffLimit retries)", "spec.backoffLimit"},
		{"abnormal", "waits from a pod's failure to the next pod grow (back-off)", "spec.backoffLimit"},
		{"normal", "kubectl get jobs: COMPLETIONS", "spec.completions"},
		{"normal-parallel", "most pods active at once", "spec.parallelism"},
		{"normal-parallel", "pods created two at a time (SuccessfulCreate in pairs)", "spec.parallelism"},
		{"cron", "kubectl get cronjobs: SCHEDULE", "spec.schedule"},
		{"cron", "finished Jobs kept when the oldest is removed", "spec.successfulJobsHistoryLimit"},
		{"pods-kept", "the Job sets no TTL after finishing (ttlSecondsAfterFinished)", "spec.ttlSecondsAfterFinished"},
		{"prime", "primes printed", "A_START_NUM"},
		{"broker", "RabbitMQ answers at <node IP>:31672 from outside the cluster", "nodePort 31672"},
		{"broker", "primes printed by the four pods together", "kubectl logs -l job-name=pngen"},
		{"two-containers", "container exit codes", "exit code"},
		{"normal", "job-normal-end.yaml: Job/normal-job spec.completions", "write it as the lesson does"},
		{"removed-api", "CronJobs created", "apiVersion: batch/v1"},
	}
	for _, c := range cases {
		h := HintFor(c.lab, c.fact, "s1")
		if h == nil || !strings.Contains(h.En, c.want) {
			t.Errorf("hint for %s %q = %v, want it to name %q", c.lab, c.fact, h, c.want)
			continue
		}
		if strings.Contains(h.En, "{") || strings.Contains(h.Ja, "{") || h.Ja == "" {
			t.Errorf("hint for %q left a placeholder or has no Japanese: %+v", c.fact, h)
		}
	}
	if h := HintFor("normal", "kubectl get jobs: COMPLETIONS", "student7"); !strings.Contains(h.En, "kubectl describe job normal-job -n student7") {
		t.Errorf("hint %q does not name the lab's Job and namespace", h.En)
	}
	if h := HintFor("normal", "job-normal-end.yaml: apiVersion (this project departs from the notes)", "s1"); h != nil {
		t.Errorf("a departure row got a hint: %+v", h)
	}
	if h := HintFor("abnormal", "pods created (first try + backoffLimit retries)", "s1"); !strings.Contains(h.Ja, "再試行") || !strings.Contains(h.Ja, "ポッド") {
		t.Errorf("Japanese hint %q does not use the notes' terms (再試行, ポッド)", h.Ja)
	}
}

func TestOnlyDifferingFactsGetHints(t *testing.T) {
	r := Report{Lab: "normal", Namespace: "s1"}
	r.Equal("kubectl get jobs: COMPLETIONS", "6/6", "6/6")
	r.Equal("describe: Parallelism", 1, 2)
	r.NotObservable("RabbitMQ answers", "yes", "forbidden")
	if r.Rows[0].Hint != nil || r.Rows[2].Hint != nil {
		t.Error("a matching or unobserved fact got a hint")
	}
	if r.Rows[1].Hint == nil || !strings.Contains(r.Rows[1].Hint.In("en"), "spec.parallelism") || !strings.Contains(r.Rows[1].Hint.In("ja"), "spec.parallelism") {
		t.Errorf("the differing fact's hint: %+v", r.Rows[1].Hint)
	}
}

// TestEveryFactReadsInJapanese: the rows joblab itself adds beside the
// lab folders' facts and steps (the manifest comparison's) read in
// Japanese.
func TestEveryFactReadsInJapanese(t *testing.T) {
	for fact, want := range map[string]string{
		"job-normal-end.yaml: the manifest":                                     "job-normal-end.yaml: マニフェスト",
		"job-normal-end.yaml: apiVersion (this project departs from the notes)": "job-normal-end.yaml: apiVersion(このプロジェクトがテキストと異なる点)",
		"Job pngen spec.parallelism":                                            "ジョブ pngen の spec.parallelism",
	} {
		if got := FactIn("ja", fact); got != want {
			t.Errorf("FactIn(ja, %q) = %q, want %q", fact, got, want)
		}
	}
	if got := FactIn("en", "pods created"); got != "pods created" {
		t.Errorf("English changed the fact: %q", got)
	}
}

func TestAManifestHintNamesTheObjectThatDiffers(t *testing.T) {
	h := HintFor("broker", "taskQueue-deploy.yaml: Service taskqueue spec.ports[5672/TCP].nodePort", "s1")
	if h == nil || !strings.Contains(h.En, "kubectl get service taskqueue -n s1 -o yaml") || strings.Contains(h.En, "pngen") {
		t.Errorf("hint %+v: want kubectl get service taskqueue", h)
	}
	h = HintFor("broker", "taskQueue-deploy.yaml: Deployment taskqueue spec.template.spec.containers[rabbitmq].image", "s1")
	if h == nil || !strings.Contains(h.En, "kubectl get deployment taskqueue") {
		t.Errorf("hint %+v", h)
	}
}

func TestConstFactsReadInJapanese(t *testing.T) {
	for _, fact := range []string{
		"each pod log's primes in numpy's layout (as the notes print an array)",
		"pn_job.yaml: written by",
	} {
		if FactIn("ja", fact) == fact {
			t.Errorf("fact %q has no Japanese name", fact)
		}
	}
}

func TestBrokerHintNamesTheStudentsNodePort(t *testing.T) {
	own := HintFor("broker", "RabbitMQ answers at <node IP>:31673 from outside the cluster", "s2")
	if !strings.Contains(own.En, "nodePort 31673") || strings.Contains(own.En, "31672") || !strings.Contains(own.Ja, "nodePort 31673") {
		t.Errorf("a student's own NodePort: %+v", own)
	}
	lessons := HintFor("broker", "RabbitMQ answers at <node IP>:31672 from outside the cluster", "s1")
	if !strings.Contains(lessons.En, "nodePort 31672") {
		t.Errorf("the lesson's NodePort: %+v", lessons)
	}
}

// TestLessonFoldersKeepTheirWording: a lesson lab written as a folder
// (lessonlabs/) keeps each row's Japanese name and hint as the tables of
// the Go labs gave them, keyed now by its fact in the folder. (While the
// tables still serve the Go labs.)
func TestLessonFoldersKeepTheirWording(t *testing.T) {
	n := 0
	for _, l := range embeddedLabs {
		if l.Track != "" {
			continue // the modern track's folders were never Go labs
		}
		for _, run := range l.Parts() {
			for _, f := range run.Facts {
				n++
				// The broker's NodePort row names the lesson's port.
				name := strings.ReplaceAll(f.RowName(), "{port}", "31672")
				if got, want := strings.ReplaceAll(f.JaName(), "{port}", "31672"), FactIn("ja", name); got != want {
					t.Errorf("%s/%s: ja %q, the Go lab's %q", run.ReportName(), f.ID, got, want)
				}
				if f.Hint != nil {
					continue // the folder's own words
				}
				h, want := f.HintFor("ns1"), HintFor(run.ReportName(), name, "ns1")
				if want == nil || h.En != want.En || h.Ja != want.Ja {
					t.Errorf("%s/%s: hint %+v, the Go lab's %+v", run.ReportName(), f.ID, h, want)
				}
			}
			// The steps' rows keep their Japanese names (their hints now
			// name the step's Job).
			for _, st := range run.Steps {
				for _, row := range st.Rows("ns1") {
					n++
					// (A row the Go lab left in English has its Japanese now.)
					if want := FactIn("ja", row.Name); want != row.Name && row.Ja != want {
						t.Errorf("%s/%s: ja %q, the Go lab's %q", run.ReportName(), row.ID, row.Ja, want)
					}
				}
			}
		}
	}
	if n < 19 {
		t.Errorf("%d facts in the lesson's folders: abnormal and two-containers hold 19", n)
	}
}

// TestStepRowsCarryTheirStepsWords: a row a step made carries the step's
// id, Japanese name and hint; any other row the English tables' words.
func TestStepRowsCarryTheirStepsWords(t *testing.T) {
	r := &Report{Lab: "normal", Namespace: "ns1"}
	r.Know(FactRef{ID: "normal/wait-normal-job-complete", Name: "the job ends Complete", Ja: "ジョブが正常終了(Complete)する", Hint: &Hint{En: "look at job normal-job", Ja: "ジョブ normal-job を見てください"}})
	r.Add("the job ends Complete", "Complete", "Failed", false)
	r.Add("kubectl get jobs: COMPLETIONS", "6/6", "5/6", false)
	r.NotObservable("the job ends Complete", "Complete", "no cluster")
	step, other, missing := r.Rows[0], r.Rows[1], r.Rows[2]
	if step.ID != "normal/wait-normal-job-complete" || step.FactIn("ja") != "ジョブが正常終了(Complete)する" || step.Hint == nil || step.Hint.En != "look at job normal-job" {
		t.Errorf("the step's row: %+v", step)
	}
	if other.ID != "" || other.Hint == nil || other.Hint.En == "look at job normal-job" {
		t.Errorf("another row took the step's words: %+v", other)
	}
	if missing.ID != "normal/wait-normal-job-complete" || missing.Hint != nil {
		t.Errorf("a row not observed: %+v", missing)
	}
}
