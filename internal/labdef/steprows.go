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

// Rows are the rows the step may add, with the namespace's hint ({ns}
// filled). A step that adds none (apply, check) has none.
func (s Step) Rows(namespace string) []StepRow {
	var rows []StepRow
	add := func(id, name, ja string, h Hint) {
		fill := strings.NewReplacer("{ns}", namespace)
		rows = append(rows, StepRow{ID: id, Name: name, Ja: ja, Hint: Hint{En: fill.Replace(h.En), Ja: fill.Replace(h.Ja)}})
	}
	switch {
	case s.Wait != nil:
		w := s.Wait
		add("wait-"+w.Job+"-"+strings.ToLower(w.For), w.RowName(), orJa(w.Ja, "ジョブ "+w.Job+" が"+endJa[w.For]+"する"), orHint(w.Hint, describeJob(w.Job)))
	case s.Watch != nil:
		// Only when it could not watch; its name carries the window.
	case s.WaitGone != nil:
		w := s.WaitGone
		add("gone-"+w.Job, w.RowName(), orJa(w.Ja, "ジョブ "+w.Job+" が削除される"), orHint(w.Hint, describeJob(w.Job)))
	case s.CronRuns != nil:
		c := s.CronRuns
		add("cron-runs-"+c.CronJob, c.RowName(), orJa(c.Ja, fmt.Sprintf("クーロンジョブ %s の %d 回の実行が終了し、最古のジョブが履歴の削除で消される", c.CronJob, c.Runs)), orHint(c.Hint, describe("cronjob "+c.CronJob)))
	case s.ApplyRefused != nil:
		a := s.ApplyRefused
		add("refused-"+strings.TrimSuffix(strings.ReplaceAll(a.File, "/", "-"), ".yaml"), a.RowName(), orJa(a.Ja, "kubectl apply -f "+a.File+" が拒否される"), orHint(a.Hint, describeJob("")))
	case s.DeleteJob != nil:
		add("delete-job-"+s.DeleteJob.Job, "job "+s.DeleteJob.Job+" deleted", "ジョブ "+s.DeleteJob.Job+" が削除される", describeJob(s.DeleteJob.Job))
	case s.LosePod != nil:
		j := s.LosePod.Job
		add("lose-pod-"+j, "a pod of "+j+" that has just started running", "実行を始めたばかりの "+j+" のポッド", describeJob(j))
	case s.DeletePod != nil:
		j := s.DeletePod.Job
		add("delete-pod-"+j, "a running pod of job "+j+" deleted", "ジョブ "+j+" の実行中のポッドを削除", describeJob(j))
	case s.EvictPod != nil:
		j := s.EvictPod.Job
		add("evict-pod-"+j, "a running pod of "+j, "実行中の "+j+" のポッド", describeJob(j))
		add("eviction-accepted-"+j, "the eviction is accepted", "退避(eviction)が受け付けられる", describeJob(j))
	case s.Suspend != nil:
		add("suspend-"+s.Suspend.Job, "job "+s.Suspend.Job+" suspended", "ジョブ "+s.Suspend.Job+" を一時停止", describeJob(s.Suspend.Job))
	case s.Resume != nil:
		add("resume-"+s.Resume.Job, "job "+s.Resume.Job+" resumed", "ジョブ "+s.Resume.Job+" を再開", describeJob(s.Resume.Job))
	case s.Patch != nil:
		p := s.Patch
		add("patch-"+strings.ToLower(p.Kind)+"-"+p.Name, p.Kind+" "+p.Name+" patched", p.Kind+" "+p.Name+" にパッチを適用", describeJob(""))
	case s.WaitAvailable != nil:
		d := s.WaitAvailable.Deployment
		add("available-"+d, "Deployment "+d+" available", "デプロイメント "+d+" が利用可能", describe("deployment "+d))
	case s.Initiator != nil:
		j := s.Initiator.Job
		add("initiator-"+j, "the job initiator fills the queue and creates Job "+j, "イニシエーターがキューを満たし、ジョブ "+j+" を作成する",
			Hint{"The initiator reaches RabbitMQ at a node's address and the NodePort of Service taskqueue: kubectl get service taskqueue -n {ns} and kubectl get pods -n {ns} show whether it runs.",
				"イニシエーターはノードのアドレスと Service taskqueue の NodePort で RabbitMQ に接続します。kubectl get service taskqueue -n {ns} と kubectl get pods -n {ns} で動いているか確認できます。"})
	case s.CrashNode != nil:
		j := s.CrashNode.Job
		add("crash-node-pod-running", "the Job's pod runs on a worker", "ジョブのポッドがワーカーで実行される", nodeHint)
		add("crash-node-noticed", "the stopped node noticed lost (NotReady)", "停止したノードが失われたと検知される(NotReady)", nodeHint)
		add("crash-node-completion", "the Job reaches its completion while the node is down (SuccessCriteriaMet)", "ノードの停止中にジョブが実行回数に達する(SuccessCriteriaMet)", describeJob(j))
	}
	return rows
}
