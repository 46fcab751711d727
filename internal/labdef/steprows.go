package labdef

import (
	"fmt"
	"strings"
)

// StepRow is a row a step adds to the report (a wait that ended, a pod
// deleted, a node noticed lost): its stable id, its name in English and
// in the notes' Japanese, and the hint a student gets when it differs.
// Like a fact's, its words are the step's, keyed by the step, never looked
// up from its English name.
type StepRow struct {
	ID, Name, Ja string
	Hint         Hint
}

// describeJob is the hint of a row about a Job: where to look.
func describeJob(job string) Hint {
	obj := "job"
	if job != "" {
		obj = "job " + job
	}
	return describe(obj)
}

// describe is the hint of a row about an object ("cronjob hello").
func describe(obj string) Hint {
	return Hint{
		En: "kubectl describe " + obj + " -n {ns} and kubectl get events -n {ns} show what happened.",
		Ja: "kubectl describe " + obj + " -n {ns} と kubectl get events -n {ns} で何が起きたか確認できます。",
	}
}

// nodeHint is the hint of the rows of a node crash.
var nodeHint = Hint{
	En: "kubectl get pods -o wide -n {ns} shows each pod's NODE, kubectl get nodes the stopped node NotReady; only a controller (the Job) starts a lost pod again: a bare Pod is not replaced.",
	Ja: "kubectl get pods -o wide -n {ns} で各ポッドの NODE を、kubectl get nodes で停止したノードが NotReady であることを確認してください。失われたポッドを再び起動するのはコントローラ(ジョブ)です。単独のポッドは置き換えられません。",
}

// endJa is a Job's end in the notes' terms.
var endJa = map[string]string{"Complete": "正常終了(Complete)", "Failed": "中断(Failed)", "SuccessCriteriaMet": "成功条件を満たす(SuccessCriteriaMet)"}

// orJa is a step's own Japanese row name, else its default.
func orJa(ja, fallback string) string {
	if ja != "" {
		return ja
	}
	return fallback
}

// orHint is a step's own hint, else its default.
func orHint(h *Hint, fallback Hint) Hint {
	if h != nil {
		return *h
	}
	return fallback
}

// Row is a Wait's row: the Job ended as the lesson says.
func (w *Wait) Row() StepRow {
	return StepRow{"wait-" + w.Job + "-" + strings.ToLower(w.For), w.RowName(), orJa(w.Ja, "ジョブ "+w.Job+" が"+endJa[w.For]+"する"), orHint(w.Hint, describeJob(w.Job))}
}

// Row is a Watch's row, added only when it could not watch (what it saw
// is read by the facts); its name carries the window watched.
func (w *Watch) Row(window string) StepRow {
	return StepRow{"watch-" + w.Job, fmt.Sprintf("job %s watched for %s", w.Job, window), fmt.Sprintf("ジョブ %s を %s 監視", w.Job, window), describeJob(w.Job)}
}

// Row is a WaitGone's row: the Job was removed.
func (w *WaitGone) Row() StepRow {
	return StepRow{"gone-" + w.Job, w.RowName(), orJa(w.Ja, "ジョブ "+w.Job+" が削除される"), orHint(w.Hint, describeJob(w.Job))}
}

// Row is a CronRuns' row: the runs finished and the oldest was removed.
func (c *CronRuns) Row() StepRow {
	return StepRow{"cron-runs-" + c.CronJob, c.RowName(), orJa(c.Ja, fmt.Sprintf("クーロンジョブ %s の %d 回の実行が終了し、最古のジョブが履歴の削除で消される", c.CronJob, c.Runs)), orHint(c.Hint, describe("cronjob "+c.CronJob))}
}

// Row is an ApplyRefused's row: the cluster refused the file.
func (a *ApplyRefused) Row() StepRow {
	return StepRow{"refused-" + strings.TrimSuffix(strings.ReplaceAll(a.File, "/", "-"), ".yaml"), a.RowName(), orJa(a.Ja, "kubectl apply -f "+a.File+" が拒否される"), orHint(a.Hint, describeJob(""))}
}

// DeleteJobRow is a deleteJob step's row, added only when the delete
// failed.
func DeleteJobRow(job string) StepRow {
	return StepRow{"delete-job-" + job, "job " + job + " deleted", "ジョブ " + job + " が削除される", describeJob(job)}
}

// LosePodRow is a losePod step's row: a running pod was caught and lost.
func LosePodRow(job string) StepRow {
	return StepRow{"lose-pod-" + job, "a pod of " + job + " that has just started running", "実行を始めたばかりの " + job + " のポッド", describeJob(job)}
}

// DeletePodRow is a deletePod step's row.
func DeletePodRow(job string) StepRow {
	return StepRow{"delete-pod-" + job, "a running pod of job " + job + " deleted", "ジョブ " + job + " の実行中のポッドを削除", describeJob(job)}
}

// EvictRows are an evictPod step's rows: a running pod found, then its
// eviction accepted.
func EvictRows(job string) (running, accepted StepRow) {
	return StepRow{"evict-pod-" + job, "a running pod of " + job, "実行中の " + job + " のポッド", describeJob(job)},
		StepRow{"eviction-accepted-" + job, "the eviction is accepted", "退避(eviction)が受け付けられる", describeJob(job)}
}

// SuspendRow and ResumeRow are the rows of suspend and resume steps.
func SuspendRow(job string) StepRow {
	return StepRow{"suspend-" + job, "job " + job + " suspended", "ジョブ " + job + " を一時停止", describeJob(job)}
}

// ResumeRow: see SuspendRow.
func ResumeRow(job string) StepRow {
	return StepRow{"resume-" + job, "job " + job + " resumed", "ジョブ " + job + " を再開", describeJob(job)}
}

// Row is a Patch's row: the object was patched.
func (p *Patch) Row() StepRow {
	return StepRow{"patch-" + strings.ToLower(p.Kind) + "-" + p.Name, p.Kind + " " + p.Name + " patched", p.Kind + " " + p.Name + " にパッチを適用", describe(strings.ToLower(p.Kind) + " " + p.Name)}
}

// AvailableRow is a waitAvailable step's row.
func AvailableRow(deployment string) StepRow {
	return StepRow{"available-" + deployment, "Deployment " + deployment + " available", "デプロイメント " + deployment + " が利用可能", describe("deployment " + deployment)}
}

// InitiatorRow is an initiator step's row: the queue filled and the Job
// created.
func InitiatorRow(job string) StepRow {
	return StepRow{"initiator-" + job, "the job initiator fills the queue and creates Job " + job, "イニシエーターがキューを満たし、ジョブ " + job + " を作成する",
		Hint{"The initiator reaches RabbitMQ at a node's address and the NodePort of Service taskqueue: kubectl get service taskqueue -n {ns} and kubectl get pods -n {ns} show whether it runs.",
			"イニシエーターはノードのアドレスと Service taskqueue の NodePort で RabbitMQ に接続します。kubectl get service taskqueue -n {ns} と kubectl get pods -n {ns} で動いているか確認できます。"}}
}

// CrashRows are a crashNode step's rows: the Job's pod on a worker, the
// stopped node noticed lost, the Job's completion while it is down.
func CrashRows(job string) (running, noticed, completion StepRow) {
	return StepRow{"crash-node-pod-running", "the Job's pod runs on a worker", "ジョブのポッドがワーカーで実行される", nodeHint},
		StepRow{"crash-node-noticed", "the stopped node noticed lost (NotReady)", "停止したノードが失われたと検知される(NotReady)", nodeHint},
		StepRow{"crash-node-completion", "the Job reaches its completion while the node is down (SuccessCriteriaMet)", "ノードの停止中にジョブが実行回数に達する(SuccessCriteriaMet)", describeJob(job)}
}

// Rows are the rows the step may add, with the namespace's hint ({ns}
// filled): every row a step may add, for the tests (a spec calls the
// step's own constructor, above, for the row it adds). A step
// that adds none (apply, check) has none; a watch's row names its window
// as written (a run may stretch it on a slow cluster).
func (s Step) Rows(namespace string) []StepRow {
	var rows []StepRow
	switch {
	case s.Wait != nil:
		rows = append(rows, s.Wait.Row())
	case s.Watch != nil:
		rows = append(rows, s.Watch.Row(s.Watch.For.String()))
	case s.WaitGone != nil:
		rows = append(rows, s.WaitGone.Row())
	case s.CronRuns != nil:
		rows = append(rows, s.CronRuns.Row())
	case s.ApplyRefused != nil:
		rows = append(rows, s.ApplyRefused.Row())
	case s.DeleteJob != nil:
		rows = append(rows, DeleteJobRow(s.DeleteJob.Job))
	case s.LosePod != nil:
		rows = append(rows, LosePodRow(s.LosePod.Job))
	case s.DeletePod != nil:
		rows = append(rows, DeletePodRow(s.DeletePod.Job))
	case s.EvictPod != nil:
		running, accepted := EvictRows(s.EvictPod.Job)
		rows = append(rows, running, accepted)
	case s.Suspend != nil:
		rows = append(rows, SuspendRow(s.Suspend.Job))
	case s.Resume != nil:
		rows = append(rows, ResumeRow(s.Resume.Job))
	case s.Patch != nil:
		rows = append(rows, s.Patch.Row())
	case s.WaitAvailable != nil:
		rows = append(rows, AvailableRow(s.WaitAvailable.Deployment))
	case s.Initiator != nil:
		rows = append(rows, InitiatorRow(s.Initiator.Job))
	case s.CrashNode != nil:
		running, noticed, completion := CrashRows(s.CrashNode.Job)
		rows = append(rows, running, noticed, completion)
	}
	fill := strings.NewReplacer("{ns}", namespace)
	for i := range rows {
		rows[i].Hint = Hint{En: fill.Replace(rows[i].Hint.En), Ja: fill.Replace(rows[i].Hint.Ja)}
	}
	return rows
}
