package lesson

import (
	"fmt"
	"regexp"
	"strings"
)

// Hint tells a student where to look when a fact differs: the kubectl
// command that shows it and the manifest field that decides it, in English
// and in the notes' Japanese terms (ジョブ, ポッド, 再試行, ...).
type Hint struct {
	En string `json:"en"`
	Ja string `json:"ja"`
}

// In returns the hint in a language ("ja" or English).
func (h *Hint) In(lang string) string {
	if h == nil {
		return ""
	}
	if lang == "ja" && h.Ja != "" {
		return h.Ja
	}
	return h.En
}

// labObject is the object a lab's facts are mostly about, as kubectl names
// it, keyed by the lab's report name.
var labObject = map[string]string{
	"normal":          "job normal-job",
	"normal-parallel": "job normal-job",
	"lost-pod":        "job normal-job",
	"node-loss":       "job node-loss",
	"abnormal":        "job abnormal-end",
	"two-containers":  "job two-containers",
	"prime":           "job prime-number",
	"pods-kept":       "job prime-number",
	"broker":          "job pngen",
	"cron":            "cronjob hello",
	"removed-api":     "cronjob hello",
}

// hintRule gives a hint to the facts whose name contains one of match.
type hintRule struct {
	match  []string
	en, ja string
}

// hintRules are tried in order; {obj} is the lab's object (job normal-job),
// {kind/name} the same as kubectl logs writes it (job/normal-job), and {ns}
// the namespace. The first rule that matches gives the hint.
var hintRules = []hintRule{
	{[]string{"(this project departs"}, "", ""},
	{[]string{".yaml: the manifest", "manifest "}, "Compare your manifest with the lesson's, field by field (the rows above name each difference).",
		"マニフェストをテキストの記述と1項目ずつ比べてください(上の行が違いを示します)。"},
	{[]string{".yaml:"}, "This field of your manifest differs from the lesson's: write it as the lesson does, or remove a field the lesson does not set. kubectl get {obj} -n {ns} -o yaml shows what was applied.",
		"マニフェストのこの項目がテキストと違います。テキストの通りに書くか、テキストにない項目を削除してください。適用された内容は kubectl get {obj} -n {ns} -o yaml で確認できます。"},
	{[]string{"batch/v1beta1", "removal and the fix", "notes' CronJob", "CronJobs created"}, "batch/v1beta1 CronJob was removed in Kubernetes 1.25: write apiVersion: batch/v1.",
		"batch/v1beta1 のクーロンジョブは Kubernetes 1.25 で廃止されました。apiVersion: batch/v1 と書いてください。"},
	{[]string{"backoffLimit", "back-off", "condition Failed"}, "spec.backoffLimit decides how many times a failed pod is retried; kubectl describe {obj} -n {ns} shows BackoffLimitExceeded under Events.",
		"異常終了したポッドの再試行上限は spec.backoffLimit で決まります。kubectl describe {obj} -n {ns} の Events に BackoffLimitExceeded が出ます。"},
	{[]string{"each log: a date"}, "kubectl logs job/<name> -n {ns}: the container's command in the CronJob's jobTemplate decides what each run prints.",
		"kubectl logs job/<ジョブ名> -n {ns} でログを確認してください。出力はクーロンジョブの jobTemplate にあるコンテナのコマンドで決まります。"},
	{[]string{"Parallelism", "active at once", "two at a time", "one after another", "workers started first"}, "spec.parallelism decides how many pods run at once; kubectl get pods -n {ns} -w shows them come and go.",
		"同時に実行するポッドの数(並行数)は spec.parallelism で決まります。kubectl get pods -n {ns} -w でポッドの起動と終了を確認できます。"},
	{[]string{"COMPLETIONS", "Completions", "pods created", "Pods Statuses", "pods that ran to an end", "each Job 1/1", "events name distinct pods"}, "kubectl describe {obj} -n {ns}: Completions and Pods Statuses. spec.completions decides how many pods must end successfully; spec.backoffLimit how many may fail.",
		"kubectl describe {obj} -n {ns} の Completions と Pods Statuses を見てください。ポッドの実行回数は spec.completions、再試行上限は spec.backoffLimit で決まります。"},
	{[]string{"exit codes", "READY", "STATUS", "pod phases"}, "kubectl get pods -n {ns} and kubectl describe pod -n {ns} show each container's state and exit code: the containers' commands decide them.",
		"kubectl get pods -n {ns} と kubectl describe pod -n {ns} でコンテナごとの状態と終了コードを確認できます。コンテナのコマンドで決まります。"},
	{[]string{"RabbitMQ", "initiator reached", "NodePort"}, "kubectl get service taskqueue -n {ns}: type NodePort with nodePort 31672, selecting the RabbitMQ pod of deployment taskqueue.",
		"kubectl get service taskqueue -n {ns} を確認してください。type NodePort、nodePort 31672 で、デプロイメント taskqueue の RabbitMQ ポッドを選択します。"},
	{[]string{"queue", "item", "pod log", "four pods"}, "kubectl logs -l job-name=pngen -n {ns}: each worker pod takes one item from the queue the initiator filled, prints its primes, then acknowledges it.",
		"kubectl logs -l job-name=pngen -n {ns} でログを確認してください。ワーカーのポッドはイニシエーターが入れたキューから1項目ずつ受け取り、素数を出力してから確認応答します。"},
	{[]string{"prime", "log", "numpy", "numbers in brackets"}, "kubectl logs {kind/name} -n {ns}: the env A_START_NUM and A_SIZE_NUM decide the range, the image's program the output.",
		"kubectl logs {kind/name} -n {ns} でログを確認してください。範囲は環境変数 A_START_NUM と A_SIZE_NUM、出力はイメージのプログラムで決まります。"},
	{[]string{"SCHEDULE", "SUSPEND", "per minute", "Job names hello", "appeared in the minute"}, "spec.schedule \"*/1 * * * *\" makes a Job every minute; kubectl get {obj} -n {ns} and kubectl get jobs -n {ns} -w show them.",
		"spec.schedule \"*/1 * * * *\" で毎分ジョブが作られます。kubectl get {obj} -n {ns} と kubectl get jobs -n {ns} -w で確認できます。"},
	{[]string{"kept when the oldest", "oldest Job", "SuccessfulDelete"}, "spec.successfulJobsHistoryLimit (3 when unset) decides how many finished Jobs the CronJob keeps; kubectl describe {obj} -n {ns} shows SuccessfulDelete under Events.",
		"クーロンジョブが残す終了済みジョブの数(保存世代数)は spec.successfulJobsHistoryLimit(未設定なら3)で決まります。kubectl describe {obj} -n {ns} の Events に SuccessfulDelete が出ます。"},
	{[]string{"TTL", "pods kept", "deleted with the Job", "pods of the finished Job"}, "A finished Job's pods stay until the Job is deleted, unless spec.ttlSecondsAfterFinished removes it: kubectl get {obj} -n {ns} -o yaml.",
		"ジョブが削除されるまでポッドは保持されます。spec.ttlSecondsAfterFinished があると自動で削除されます。kubectl get {obj} -n {ns} -o yaml で確認してください。"},
	{[]string{"another node", "noticed lost", "runs on a worker"}, "kubectl get pods -o wide -n {ns} shows each pod's NODE, kubectl get nodes the stopped node NotReady; only a controller (the Job) starts a lost pod again: a bare Pod is not replaced.",
		"kubectl get pods -o wide -n {ns} で各ポッドの NODE を、kubectl get nodes で停止したノードが NotReady であることを確認してください。失われたポッドを再び起動するのはコントローラ(ジョブ)です。単独のポッドは置き換えられません。"},
	{[]string{"lost"}, "kubectl describe {obj} -n {ns}: the lost pod is counted Failed in Pods Statuses and a new pod takes its place.",
		"kubectl describe {obj} -n {ns} の Pods Statuses で、失われたポッドは Failed と数えられ、新しいポッドが代わりに起動されます。"},
	{[]string{"describe: events"}, "kubectl describe {obj} -n {ns} lists the Events in order; kubectl get events -n {ns} shows them all.",
		"kubectl describe {obj} -n {ns} の Events を順に見てください。kubectl get events -n {ns} ですべてのイベントを確認できます。"},
}

// nodePortInFact finds the NodePort a broker fact names.
var nodePortInFact = regexp.MustCompile(`<node IP>:(\d+)`)

// HintFor returns the hint for a fact of a lab in a namespace, or nil when
// none applies.
func HintFor(lab, fact, namespace string) *Hint {
	obj := labObject[lab]
	if o := manifestObject(fact); o != "" {
		obj = o
	}
	if obj == "" {
		obj = "job"
	}
	if namespace == "" {
		namespace = "<namespace>"
	}
	// kubectl logs names its object as kind/name (job/prime-number).
	pairs := []string{"{obj}", obj, "{kind/name}", strings.Replace(obj, " ", "/", 1), "{ns}", namespace}
	// A student whose broker has a NodePort of its own (the fact names it:
	// "<node IP>:31673") is pointed at that one, not the lesson's.
	if m := nodePortInFact.FindStringSubmatch(fact); m != nil && m[1] != fmt.Sprint(BrokerNodePort) {
		pairs = append(pairs, fmt.Sprintf("nodePort %d", BrokerNodePort), "nodePort "+m[1])
	}
	fill := strings.NewReplacer(pairs...)
	for _, r := range hintRules {
		for _, m := range r.match {
			if strings.Contains(fact, m) {
				if r.en == "" {
					return nil
				}
				return &Hint{En: fill.Replace(r.en), Ja: fill.Replace(r.ja)}
			}
		}
	}
	return &Hint{
		En: fill.Replace("kubectl describe {obj} -n {ns} and kubectl get events -n {ns} show what happened."),
		Ja: fill.Replace("kubectl describe {obj} -n {ns} と kubectl get events -n {ns} で何が起きたか確認できます。"),
	}
}

// manifestObject is the object a manifest row names, as kubectl names it
// ("taskQueue-deploy.yaml: Service taskqueue spec.ports..." is "service
// taskqueue"), so that its hint shows the object that differs; "" for
// other facts.
func manifestObject(fact string) string {
	i := strings.Index(fact, ".yaml: ")
	if i < 0 {
		return ""
	}
	words := strings.Fields(fact[i+len(".yaml: "):])
	if len(words) < 2 || words[0] == "" || words[0][0] < 'A' || words[0][0] > 'Z' {
		return ""
	}
	return strings.ToLower(words[0]) + " " + words[1]
}
