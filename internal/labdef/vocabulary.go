package labdef

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// exitCodesRE is one pod's exit codes: name=code, comma-separated.
var exitCodesRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?=[0-9]+(,[a-z0-9]([-a-z0-9]*[a-z0-9])?=[0-9]+)*$`)

// check is one word of the vocabulary: everything this package knows of
// it, in one place. A new word is one entry of vocabulary (and its field
// on Fact, and its implementation in the lab folders' spec).
type check struct {
	// word is the key a fact writes (kubectl, condition, ...).
	word string
	// set tells whether a fact uses this check.
	set func(Fact) bool
	// job is the Job the fact is about; "" for another object.
	job func(Fact) string
	// object is the kind and name of the object the fact is about, when
	// not the Job (a field of a Service, a CronJob's column).
	object func(Fact) (kind, name string)
	// hintObject is how the check's hint names the object, when not
	// "job NAME".
	hintObject func(Fact) string
	// name and ja are the report's default row name, in English and in
	// the notes' Japanese.
	name, ja func(Fact) string
	// args checks the fact's arguments and documented value; "" when
	// fine.
	args func(Fact) string
	// watch: the check reads the pods a wait or watch step saw.
	watch bool
	// hint is the check's own hint, for a fact that gives none: {job} is
	// the fact's Job, {object} its object, {ns} the namespace.
	hint Hint
}

// jobOf reads the Job of a check that names one by JobRef.
func jobOf(ref func(Fact) *JobRef) func(Fact) string {
	return func(f Fact) string { return ref(f).Job }
}

// needJob is the argument check of a check that names only a Job.
func needJob(word string, job func(Fact) string) func(Fact) string {
	return func(f Fact) string {
		if job(f) == "" {
			return word + ": name the Job (job: NAME)"
		}
		return ""
	}
}

// needJobAndInt also wants a whole-number documented value.
func needJobAndInt(word string, job func(Fact) string) func(Fact) string {
	return func(f Fact) string {
		if m := needJob(word, job)(f); m != "" {
			return m
		}
		if _, err := f.DocumentedInt(); err != nil {
			return err.Error()
		}
		return ""
	}
}

func fixed(s string) func(Fact) string { return func(Fact) string { return s } }

// kubectlJob is the Job of a kubectl fact: the one shown, or the one
// whose pods are ("" for a CronJob).
func kubectlJob(f Fact) string {
	if f.Kubectl.Get == "jobs" {
		return f.Kubectl.Name
	}
	return f.Kubectl.Job
}

func kubectlName(f Fact) string {
	k := f.Kubectl
	if k.Get == "pods" {
		if k.Column == "" {
			return "kubectl get pod: pods of the Job"
		}
		return "kubectl get pod: " + strings.ToUpper(k.Column)
	}
	return "kubectl get " + k.Get + ": " + strings.ToUpper(k.Column)
}

// logNames are a log fact's default row names, in English and in
// Japanese: what part of the log it reads.
func logNames(f Fact) (en, ja string) {
	l := f.Log
	switch {
	case l.Line > 0:
		return fmt.Sprintf("kubectl logs: line %d", l.Line), fmt.Sprintf("kubectl logs: %d 行目", l.Line)
	case l.Numbers == NumbersOnly:
		return "kubectl logs: only numbers in brackets", "kubectl logs: 括弧の中の数だけ"
	case l.Numbers == NumbersCount:
		return "kubectl logs: how many numbers", "kubectl logs: 数の個数"
	case l.Numbers == NumbersTotal:
		return "kubectl logs: how many numbers the pods print together", "kubectl logs: ポッド全体の数の個数"
	case l.Numbers == NumbersEnds:
		return "kubectl logs: the first and the last number", "kubectl logs: 最初と最後の数"
	case l.Numbers == NumbersPrimes && l.Primes.PerIndex > 0:
		return fmt.Sprintf("kubectl logs: exactly the primes of [%d, %d), %d later each index", l.Primes.From, l.Primes.To, l.Primes.PerIndex),
			fmt.Sprintf("kubectl logs: [%d, %d)(インデックスごとに %d ずつ後)の素数だけ", l.Primes.From, l.Primes.To, l.Primes.PerIndex)
	case l.Numbers == NumbersPrimes:
		return fmt.Sprintf("kubectl logs: exactly the primes of [%d, %d)", l.Primes.From, l.Primes.To),
			fmt.Sprintf("kubectl logs: [%d, %d) の素数だけ", l.Primes.From, l.Primes.To)
	}
	return "kubectl logs", "kubectl logs(ログ)"
}

func logName(f Fact) string { en, _ := logNames(f); return en }
func logJa(f Fact) string   { _, ja := logNames(f); return ja }

// brokerNames are the broker facts' row names, in English and in the
// notes' Japanese; {port} is the broker's NodePort.
var brokerNames = map[string][2]string{
	BrokerReached:     {"how the initiator reached the broker", "イニシエーターがブローカーに接続した方法"},
	BrokerNodePort:    {"RabbitMQ answers at <node IP>:{port} from outside the cluster", "クラスタの外から <ノードIP>:{port} の RabbitMQ に接続できる"},
	BrokerJobAsLesson: {"Job pngen as stored, compared in full with the lesson's", "保存されたジョブ pngen 全体をテキストと比較"},
	BrokerLayout:      {"each pod log's primes in numpy's layout (as the notes print an array)", "各ポッドのログの素数が numpy の形式(テキストの配列の表示の通り)"},
	BrokerItems:       {"each pod log: one of the lesson's items, then exactly its primes", "各ポッドのログ: テキストの項目の1つと、その範囲の素数だけ"},
	BrokerOnce:        {"each item handled once", "各項目を1回ずつ処理"},
	BrokerPrimes:      {"primes printed by the four pods together", "4つのポッドが出力した素数の合計"},
	BrokerQueueLeft:   {"messages left in queue taskqueue", "キュー taskqueue に残るメッセージ"},
}

// vocabulary is every check, in the order docs/labs.md gives them.
var vocabulary = []check{
	{
		word: "kubectl",
		set:  func(f Fact) bool { return f.Kubectl != nil },
		job:  kubectlJob,
		object: func(f Fact) (string, string) {
			if f.Kubectl.Get == "cronjobs" {
				return "CronJob", f.Kubectl.Name
			}
			return "Job", kubectlJob(f)
		},
		hintObject: func(f Fact) string {
			switch f.Kubectl.Get {
			case "cronjobs":
				return "cronjob " + f.Kubectl.Name
			case "pods":
				return "pods -l job-name=" + f.Kubectl.Job
			}
			return "job " + f.Kubectl.Name
		},
		name: kubectlName,
		ja:   kubectlName, // the columns are kubectl's own words
		args: func(f Fact) string {
			k := f.Kubectl
			switch k.Get {
			case "jobs", "cronjobs":
				if k.Name == "" {
					return "kubectl get " + k.Get + ": name the object (name: NAME)"
				}
			case "pods":
				if k.Job == "" {
					return "kubectl get pods: name the Job whose pods are shown (job: NAME)"
				}
				if k.Column == "" {
					// No column: how many pods it lists.
					if _, err := f.DocumentedInt(); err != nil {
						return "kubectl get pods without a column counts the Job's pods: " + err.Error()
					}
					return ""
				}
			default:
				return fmt.Sprintf("kubectl get %q: jobs, cronjobs or pods", k.Get)
			}
			if k.Column == "" {
				return "kubectl: the column, as kubectl prints it (column: COMPLETIONS)"
			}
			return ""
		},
		hint: Hint{"kubectl get {object} -n {ns} shows the column; kubectl describe {object} -n {ns} what decides it.",
			"kubectl get {object} -n {ns} で列を、kubectl describe {object} -n {ns} でその理由を確認できます。"},
	},
	{
		word: "condition",
		set:  func(f Fact) bool { return f.Condition != nil },
		job:  func(f Fact) string { return f.Condition.Job },
		name: func(f Fact) string {
			switch f.Condition.Of {
			case ConditionMessage:
				return "job condition " + f.Condition.Type + ", message"
			case ConditionStatus:
				return "job condition " + f.Condition.Type
			}
			return "job condition " + f.Condition.Type + ", reason"
		},
		ja: func(f Fact) string {
			switch f.Condition.Of {
			case ConditionMessage:
				return "ジョブの状態 " + f.Condition.Type + " のメッセージ"
			case ConditionStatus:
				return "ジョブの状態 " + f.Condition.Type
			}
			return "ジョブの状態 " + f.Condition.Type + " の理由"
		},
		args: func(f Fact) string {
			if m := needJob("condition", func(f Fact) string { return f.Condition.Job })(f); m != "" {
				return m
			}
			if f.Condition.Type == "" {
				return "condition: its type (type: Failed)"
			}
			if of := f.Condition.Of; of != "" && of != "reason" && of != ConditionMessage && of != ConditionStatus {
				return fmt.Sprintf("condition of %q: reason (the default), message or status", of)
			}
			return ""
		},
		hint: Hint{"kubectl describe job {job} -n {ns}: its Conditions and Events say why the Job ended as it did.",
			"kubectl describe job {job} -n {ns} の Conditions と Events でジョブの終了の理由を確認できます。"},
	},
	{
		word: "podsStatuses",
		set:  func(f Fact) bool { return f.PodsStatuses != nil },
		job:  jobOf(func(f Fact) *JobRef { return f.PodsStatuses }),
		name: fixed("describe: Pods Statuses"),
		ja:   fixed("describe: Pods Statuses(ポッドの状態)"),
		args: needJob("podsStatuses", jobOf(func(f Fact) *JobRef { return f.PodsStatuses })),
		hint: Hint{"kubectl describe job {job} -n {ns}: Pods Statuses. spec.completions decides how many pods must succeed, spec.backoffLimit how many may fail.",
			"kubectl describe job {job} -n {ns} の Pods Statuses を見てください。成功すべきポッドの数は spec.completions、再試行上限は spec.backoffLimit で決まります。"},
	},
	{
		word:  "podsCreated",
		set:   func(f Fact) bool { return f.PodsCreated != nil },
		job:   jobOf(func(f Fact) *JobRef { return f.PodsCreated }),
		name:  fixed("pods created"),
		ja:    fixed("作成されたポッド数"),
		args:  needJobAndInt("podsCreated", jobOf(func(f Fact) *JobRef { return f.PodsCreated })),
		watch: true,
		hint: Hint{"kubectl get pods -l job-name={job} -n {ns}: spec.completions, spec.parallelism and spec.backoffLimit decide how many pods the Job makes.",
			"kubectl get pods -l job-name={job} -n {ns} で確認してください。ポッドの数は spec.completions、spec.parallelism、spec.backoffLimit で決まります。"},
	},
	{
		word: "podPhases",
		set:  func(f Fact) bool { return f.PodPhases != nil },
		job:  jobOf(func(f Fact) *JobRef { return f.PodPhases }),
		name: fixed("pod phases"),
		ja:   fixed("ポッドのフェーズ"),
		args: needJob("podPhases", jobOf(func(f Fact) *JobRef { return f.PodPhases })),
		hint: Hint{"kubectl get pods -l job-name={job} -n {ns}: the containers' commands decide how each pod ends.",
			"kubectl get pods -l job-name={job} -n {ns} で確認してください。ポッドの終わり方はコンテナのコマンドで決まります。"},
	},
	{
		word: "exitCode",
		set:  func(f Fact) bool { return f.ExitCode != nil },
		job:  func(f Fact) string { return f.ExitCode.Job },
		name: func(f Fact) string { return "container " + f.ExitCode.Container + ": exit code" },
		ja:   func(f Fact) string { return "コンテナ " + f.ExitCode.Container + " の終了コード" },
		args: func(f Fact) string {
			if f.ExitCode.Job != "" && f.ExitCode.Container == "" {
				return "exitCode: name the container (container: NAME)"
			}
			return needJobAndInt("exitCode", func(f Fact) string { return f.ExitCode.Job })(f)
		},
		hint: Hint{"kubectl describe pod -l job-name={job} -n {ns} shows each container's exit code: its command decides it.",
			"kubectl describe pod -l job-name={job} -n {ns} でコンテナごとの終了コードを確認できます。コマンドで決まります。"},
	},
	{
		word: "exitCodes",
		set:  func(f Fact) bool { return f.ExitCodes != nil },
		job:  func(f Fact) string { return f.ExitCodes.Job },
		name: fixed("container exit codes"),
		ja:   fixed("コンテナの終了コード"),
		args: func(f Fact) string {
			if m := needJob("exitCodes", func(f Fact) string { return f.ExitCodes.Job })(f); m != "" {
				return m
			}
			if f.ExitCodes.Pods < 1 {
				return "exitCodes: pods, how many pods the Job makes (pods: 4)"
			}
			if !exitCodesRE.MatchString(f.DocumentedText()) {
				return fmt.Sprintf("exitCodes: documented %q: one pod's containers, name=code in name order (documented: \"busybox1=0,busybox2=1\")", f.DocumentedText())
			}
			return ""
		},
		hint: Hint{"kubectl get pods -n {ns} and kubectl describe pod -n {ns} show each container's state and exit code: the containers' commands decide them.",
			"kubectl get pods -n {ns} と kubectl describe pod -n {ns} でコンテナごとの状態と終了コードを確認できます。コンテナのコマンドで決まります。"},
	},
	{
		word:  "maxActive",
		set:   func(f Fact) bool { return f.MaxActive != nil },
		job:   jobOf(func(f Fact) *JobRef { return f.MaxActive }),
		name:  fixed("most pods active at once"),
		ja:    fixed("同時に実行されたポッドの最大数"),
		args:  needJobAndInt("maxActive", jobOf(func(f Fact) *JobRef { return f.MaxActive })),
		watch: true,
		hint: Hint{"spec.parallelism decides how many pods run at once; kubectl get pods -l job-name={job} -n {ns} -w shows them come and go.",
			"同時に実行するポッドの数は spec.parallelism で決まります。kubectl get pods -l job-name={job} -n {ns} -w で確認できます。"},
	},
	{
		word: "waves",
		set:  func(f Fact) bool { return f.Waves != nil },
		job:  jobOf(func(f Fact) *JobRef { return f.Waves }),
		name: fixed("pods created in waves"),
		ja:   fixed("ポッドの作成の波"),
		args: func(f Fact) string {
			if m := needJob("waves", jobOf(func(f Fact) *JobRef { return f.Waves }))(f); m != "" {
				return m
			}
			if _, err := WavesOf(f.DocumentedText()); err != nil {
				return err.Error()
			}
			return ""
		},
		watch: true,
		hint: Hint{"spec.parallelism decides how many pods start together, spec.completions how many in all; kubectl get pods -l job-name={job} -n {ns} -w shows them.",
			"一度に起動するポッドの数は spec.parallelism、全体の数は spec.completions で決まります。kubectl get pods -l job-name={job} -n {ns} -w で確認できます。"},
	},
	{
		word:  "oneAtATime",
		set:   func(f Fact) bool { return f.OneAtATime != nil },
		job:   jobOf(func(f Fact) *JobRef { return f.OneAtATime }),
		name:  fixed("pods run one after another"),
		ja:    fixed("ポッドが1つずつ実行される"),
		args:  needJob("oneAtATime", jobOf(func(f Fact) *JobRef { return f.OneAtATime })),
		watch: true,
		hint: Hint{"without spec.parallelism a Job runs one pod at a time; kubectl get pods -l job-name={job} -n {ns} -w shows them.",
			"spec.parallelism がなければポッドは1つずつ実行されます。kubectl get pods -l job-name={job} -n {ns} -w で確認できます。"},
	},
	{
		word: "backoff",
		set:  func(f Fact) bool { return f.Backoff != nil },
		job:  func(f Fact) string { return f.Backoff.Job },
		name: fixed("waits from a pod's failure to the next pod grow (back-off)"),
		ja:   fixed("異常終了から次のポッドまでの待ち時間が伸びる(バックオフ)"),
		args: func(f Fact) string {
			if m := needJob("backoff", func(f Fact) string { return f.Backoff.Job })(f); m != "" {
				return m
			}
			if f.Backoff.First <= 0 {
				return "backoff: first, the first wait (first: 10s, the Job controller's)"
			}
			if f.Backoff.Count < 0 {
				return "backoff: count, how many waits (the retries), at least 1 when given"
			}
			return ""
		},
		watch: true,
		hint: Hint{"a failed pod is retried after a back-off that doubles (10 s, 20 s, 40 s); kubectl get pods -l job-name={job} -n {ns} -w shows when each starts.",
			"異常終了したポッドは倍に伸びる待ち時間(10秒、20秒、40秒)の後に再試行されます。kubectl get pods -l job-name={job} -n {ns} -w で確認できます。"},
	},
	{
		word: "events",
		set:  func(f Fact) bool { return f.Events != nil },
		job:  func(f Fact) string { return f.Events.Job },
		name: fixed("describe: events"),
		ja:   fixed("describe: イベント"),
		args: func(f Fact) string {
			if m := needJob("events", func(f Fact) string { return f.Events.Job })(f); m != "" {
				return m
			}
			steps, err := f.EventSteps()
			if err != nil {
				return err.Error()
			}
			for reason := range f.Events.Messages {
				if !slices.ContainsFunc(steps, func(s EventStep) bool { return s.Reason == reason }) {
					return fmt.Sprintf("events: messages: %s is not one of the documented events' reasons", reason)
				}
			}
			return ""
		},
		hint: Hint{"kubectl describe job {job} -n {ns} lists the Events in order.",
			"kubectl describe job {job} -n {ns} の Events を順に見てください。"},
	},
	{
		word: "eventPods",
		set:  func(f Fact) bool { return f.EventPods != nil },
		job:  jobOf(func(f Fact) *JobRef { return f.EventPods }),
		name: fixed("events name distinct pods"),
		ja:   fixed("イベントが別々のポッドを示す"),
		args: needJobAndInt("eventPods", jobOf(func(f Fact) *JobRef { return f.EventPods })),
		hint: Hint{"kubectl describe job {job} -n {ns}: each SuccessfulCreate event names the pod it created.",
			"kubectl describe job {job} -n {ns} の SuccessfulCreate イベントが作成したポッドを示します。"},
	},
	{
		word: "podsKept",
		set:  func(f Fact) bool { return f.PodsKept != nil },
		job:  func(f Fact) string { return f.PodsKept.Job },
		name: func(f Fact) string {
			return fmt.Sprintf("finished pods kept until the Job is deleted (watched %s)", f.PodsKept.For)
		},
		ja: func(f Fact) string {
			return fmt.Sprintf("終了したポッドはジョブの削除まで保持される(%s 監視)", f.PodsKept.For)
		},
		args: func(f Fact) string {
			if m := needJobAndInt("podsKept", func(f Fact) string { return f.PodsKept.Job })(f); m != "" {
				return m
			}
			if f.PodsKept.For < 20*time.Second {
				return fmt.Sprintf("podsKept for %s: at least one pass of the pod garbage collector (for: 25s)", f.PodsKept.For)
			}
			return ""
		},
		hint: Hint{"A finished Job's pods stay until the Job is deleted, unless spec.ttlSecondsAfterFinished removes it: kubectl get job {job} -n {ns} -o yaml.",
			"ジョブが削除されるまでポッドは保持されます。spec.ttlSecondsAfterFinished があると自動で削除されます。kubectl get job {job} -n {ns} -o yaml で確認してください。"},
	},
	{
		word: "log",
		set:  func(f Fact) bool { return f.Log != nil },
		job:  func(f Fact) string { return f.Log.Job },
		name: logName,
		ja:   logJa,
		args: func(f Fact) string {
			if m := needJob("log", func(f Fact) string { return f.Log.Job })(f); m != "" {
				return m
			}
			l, p := f.Log, f.Log.Primes
			if p != nil && (p.From < 0 || p.To <= p.From || p.To > 10_000_000) {
				return fmt.Sprintf("log primes: from %d to %d: 0 <= from < to <= 10000000", p.From, p.To)
			}
			if p != nil && p.PerIndex < 0 {
				return fmt.Sprintf("log primes: perIndex %d: how much later each completion index's range begins (perIndex: 1000)", p.PerIndex)
			}
			switch {
			case l.Line < 0:
				return fmt.Sprintf("log line %d: lines count from 1", l.Line)
			case l.Line > 0 && (l.Numbers != "" || p != nil):
				return "log: line reads one line as text; write numbers or primes in a fact of their own"
			case l.Numbers != "" && !slices.Contains(LogNumbers, l.Numbers):
				return fmt.Sprintf("log numbers %q: one of %s", l.Numbers, strings.Join(LogNumbers, ", "))
			case l.Numbers == NumbersPrimes && p == nil:
				return "log numbers primes: name the range (primes: {from: 2, to: 100002})"
			case l.Numbers == NumbersCount, l.Numbers == NumbersTotal, l.Numbers == "" && p != nil:
				if _, err := f.DocumentedInt(); err != nil {
					return err.Error()
				}
			case l.Numbers == NumbersEnds:
				if !endsRE.MatchString(f.DocumentedText()) {
					return fmt.Sprintf("log numbers ends: documented %q: write the first and the last as \"2 .. 99991\"", f.DocumentedText())
				}
			case l.Numbers == NumbersOnly:
				if f.DocumentedText() != "yes" {
					return fmt.Sprintf("log numbers only: documented %q: write yes", f.DocumentedText())
				}
			}
			return ""
		},
		hint: Hint{"kubectl logs -l job-name={job} -n {ns}: the container's command and env decide what it prints.",
			"kubectl logs -l job-name={job} -n {ns} でログを確認してください。出力はコンテナのコマンドと環境変数で決まります。"},
	},
	{
		word: "field",
		set:  func(f Fact) bool { return f.Field != nil },
		job: func(f Fact) string {
			if f.Field.Kind == "Job" {
				return f.Field.Name
			}
			return ""
		},
		object:     func(f Fact) (string, string) { return f.Field.Kind, f.Field.Name },
		hintObject: func(f Fact) string { return strings.ToLower(f.Field.Kind) + " " + f.Field.Name },
		name:       func(f Fact) string { return fmt.Sprintf("%s %s: %s", f.Field.Kind, f.Field.Name, f.Field.Path) },
		ja:         func(f Fact) string { return fmt.Sprintf("%s %s の %s", f.Field.Kind, f.Field.Name, f.Field.Path) },
		args: func(f Fact) string {
			switch f.Field.Kind {
			case "Job", "CronJob", "Deployment", "Service":
			default:
				return fmt.Sprintf("field kind %q: Job, CronJob, Deployment or Service", f.Field.Kind)
			}
			if f.Field.Name == "" || f.Field.Path == "" {
				return "field: give kind, name and path (path: spec.parallelism)"
			}
			if _, err := pathElems(f.Field.Path); err != nil {
				return "field " + err.Error()
			}
			return ""
		},
		hint: Hint{"kubectl get {object} -n {ns} -o yaml shows the field as the API server stores it: write it in the manifest.",
			"kubectl get {object} -n {ns} -o yaml で API サーバーが保存した項目を確認し、マニフェストに書いてください。"},
	},
	{
		word: "podField",
		set:  func(f Fact) bool { return f.PodField != nil },
		job:  func(f Fact) string { return f.PodField.Job },
		name: func(f Fact) string { return "pods of job " + f.PodField.Job + ": " + f.PodField.Path },
		ja:   func(f Fact) string { return "ジョブ " + f.PodField.Job + " のポッドの " + f.PodField.Path },
		args: func(f Fact) string {
			if m := needJob("podField", func(f Fact) string { return f.PodField.Job })(f); m != "" {
				return m
			}
			if _, err := pathElems(f.PodField.Path); err != nil {
				return "podField " + err.Error()
			}
			return ""
		},
		hint: Hint{"kubectl get pods -l job-name={job} -n {ns} -o yaml shows the field in each pod: the Job's pod template, when the pod was created, decides it.",
			"kubectl get pods -l job-name={job} -n {ns} -o yaml で各ポッドの項目を確認してください。ポッドが作られた時点のジョブのポッドテンプレートで決まります。"},
	},
	{
		word: "podsPerIndex",
		set:  func(f Fact) bool { return f.PodsPerIndex != nil },
		job:  func(f Fact) string { return f.PodsPerIndex.Job },
		name: func(f Fact) string { return "pods per index, with annotation " + f.PodsPerIndex.Annotation },
		ja: func(f Fact) string {
			return "インデックスごとのポッド(アノテーション " + f.PodsPerIndex.Annotation + ")"
		},
		args: func(f Fact) string {
			if m := needJob("podsPerIndex", func(f Fact) string { return f.PodsPerIndex.Job })(f); m != "" {
				return m
			}
			if f.PodsPerIndex.Annotation == "" {
				return "podsPerIndex: the annotation each pod shows (annotation: batch.kubernetes.io/job-index-failure-count)"
			}
			if _, err := PerIndexOf(f.DocumentedText()); err != nil {
				return "podsPerIndex " + err.Error()
			}
			return ""
		},
		hint: Hint{"kubectl get pods -l job-name={job} -n {ns} -L batch.kubernetes.io/job-completion-index shows each pod's index; kubectl get pods -n {ns} -o yaml its annotations. spec.backoffLimitPerIndex, spec.maxFailedIndexes and spec.podFailurePolicy decide how often an index is tried.",
			"kubectl get pods -l job-name={job} -n {ns} -L batch.kubernetes.io/job-completion-index で各ポッドのインデックスを、-o yaml でアノテーションを確認できます。インデックスごとの再試行は spec.backoffLimitPerIndex、spec.maxFailedIndexes、spec.podFailurePolicy で決まります。"},
	},
	{
		word: "decided",
		set:  func(f Fact) bool { return f.Decided != nil },
		job:  func(f Fact) string { return f.Decided.Job },
		name: func(f Fact) string { return "job " + f.Decided.Job + ": started → " + f.Decided.Condition },
		ja: func(f Fact) string {
			return "ジョブ " + f.Decided.Job + ": 開始から " + f.Decided.Condition + " まで"
		},
		args: func(f Fact) string {
			d := f.Decided
			if m := needJob("decided", func(f Fact) string { return d.Job })(f); m != "" {
				return m
			}
			if !slices.Contains(decidedConditions, d.Condition) {
				return fmt.Sprintf("decided: condition %q: one of %s", d.Condition, strings.Join(decidedConditions, ", "))
			}
			at, err := f.DocumentedDuration()
			if err != nil {
				return "decided: " + err.Error()
			}
			if d.By != 0 && d.By <= at {
				return fmt.Sprintf("decided: by %s must come after the documented %s", d.By, at)
			}
			return ""
		},
		hint: Hint{"kubectl get job {job} -n {ns} -o yaml: status.startTime and each condition's lastTransitionTime. The Job's spec decides when the controller acts (successPolicy, activeDeadlineSeconds, backoffLimit).",
			"kubectl get job {job} -n {ns} -o yaml で status.startTime と各 condition の lastTransitionTime を確認してください。コントローラが判断する時点はジョブの spec(successPolicy、activeDeadlineSeconds、backoffLimit)で決まります。"},
	},
	{
		word: "stillRunning",
		set:  func(f Fact) bool { return f.StillRunning != nil },
		job:  func(f Fact) string { return f.StillRunning.Job },
		name: func(f Fact) string {
			if ex := f.StillRunning.ExceptIndexes; len(ex) > 0 {
				return fmt.Sprintf("pods of job %s still running (but indexes %s)", f.StillRunning.Job, joinInts(ex))
			}
			return "pods of job " + f.StillRunning.Job + " still running"
		},
		ja: func(f Fact) string {
			if ex := f.StillRunning.ExceptIndexes; len(ex) > 0 {
				return fmt.Sprintf("実行中のままのジョブ %s のポッド(インデックス %s 以外)", f.StillRunning.Job, joinInts(ex))
			}
			return "実行中のままのジョブ " + f.StillRunning.Job + " のポッド"
		},
		args: needJobAndInt("stillRunning", func(f Fact) string { return f.StillRunning.Job }),
		hint: Hint{"kubectl get pods -l job-name={job} -n {ns}: once the Job has ended (its successPolicy met, its deadline passed) the Job controller stops its other pods.",
			"kubectl get pods -l job-name={job} -n {ns} で確認してください。ジョブが終了すると(successPolicy を満たす、期限を過ぎる)ジョブコントローラは残りのポッドを止めます。"},
	},
	{
		word: "deletedAfter",
		set:  func(f Fact) bool { return f.DeletedAfter != nil },
		job:  func(f Fact) string { return f.DeletedAfter.Job },
		name: func(f Fact) string { return "job " + f.DeletedAfter.Job + ": finished → deletion asked" },
		ja:   func(f Fact) string { return "ジョブ " + f.DeletedAfter.Job + ": 終了から削除の要求まで" },
		args: func(f Fact) string {
			d := f.DeletedAfter
			if m := needJob("deletedAfter", func(f Fact) string { return d.Job })(f); m != "" {
				return m
			}
			at, err := f.DocumentedDuration()
			if err != nil {
				return "deletedAfter: " + err.Error()
			}
			if d.By != 0 && d.By <= at {
				return fmt.Sprintf("deletedAfter: by %s must come after the documented %s", d.By, at)
			}
			return ""
		},
		hint: Hint{"spec.ttlSecondsAfterFinished decides how long after it finished the TTL controller deletes a Job; kubectl get job {job} -n {ns} -w shows it go.",
			"ジョブが終了してから TTL コントローラが削除するまでの時間は spec.ttlSecondsAfterFinished で決まります。kubectl get job {job} -n {ns} -w で削除を確認できます。"},
	},
	{
		word: "podsLeft",
		set:  func(f Fact) bool { return f.PodsLeft != nil },
		job:  jobOf(func(f Fact) *JobRef { return f.PodsLeft }),
		name: func(f Fact) string { return "pods of job " + f.PodsLeft.Job + " left" },
		ja:   func(f Fact) string { return "残ったジョブ " + f.PodsLeft.Job + " のポッド" },
		args: needJobAndInt("podsLeft", jobOf(func(f Fact) *JobRef { return f.PodsLeft })),
		hint: Hint{"kubectl get pods -l job-name={job} -n {ns}: a Job deleted in the foreground (as the TTL controller does) takes its pods with it.",
			"kubectl get pods -l job-name={job} -n {ns} で確認してください。フォアグラウンドで削除されたジョブ(TTL コントローラの削除)はポッドも一緒に削除されます。"},
	},
	{
		word: "indexNames",
		set:  func(f Fact) bool { return f.IndexNames != nil },
		job:  jobOf(func(f Fact) *JobRef { return f.IndexNames }),
		name: fixed("each pod's index label and hostname <job>-<index> match its annotation"),
		ja:   fixed("各ポッドのインデックスのラベルとホスト名 <ジョブ>-<インデックス> がアノテーションと一致する"),
		args: func(f Fact) string {
			if m := needJob("indexNames", jobOf(func(f Fact) *JobRef { return f.IndexNames }))(f); m != "" {
				return m
			}
			if f.DocumentedText() != "yes" {
				return fmt.Sprintf("indexNames: documented %q: write yes", f.DocumentedText())
			}
			return ""
		},
		hint: Hint{"kubectl get pods -l job-name={job} -n {ns} -o yaml: an Indexed Job's pod carries its index in the annotation and the label batch.kubernetes.io/job-completion-index, and its hostname is <job>-<index> (spec.completionMode: Indexed).",
			"kubectl get pods -l job-name={job} -n {ns} -o yaml で確認してください。Indexed ジョブのポッドはインデックスをアノテーションとラベル batch.kubernetes.io/job-completion-index に持ち、ホスト名は <ジョブ>-<インデックス> です(spec.completionMode: Indexed)。"},
	},
	{
		word: "statusSeen",
		set:  func(f Fact) bool { return f.StatusSeen != nil },
		job:  jobOf(func(f Fact) *JobRef { return f.StatusSeen }),
		name: func(f Fact) string { return "job " + f.StatusSeen.Job + ": status seen " + f.DocumentedText() },
		ja: func(f Fact) string {
			return "ジョブ " + f.StatusSeen.Job + " の状態 " + f.DocumentedText() + " が見える"
		},
		watch: true,
		args: func(f Fact) string {
			if m := needJob("statusSeen", jobOf(func(f Fact) *JobRef { return f.StatusSeen }))(f); m != "" {
				return m
			}
			if !stateRE.MatchString(f.DocumentedText()) {
				return fmt.Sprintf("statusSeen: documented %q: the Job's status counts as \"active 0, terminating 1\"", f.DocumentedText())
			}
			return ""
		},
		hint: Hint{"kubectl get job {job} -n {ns} -o yaml -w shows status.active and status.terminating change; spec.podReplacementPolicy decides whether a replacement waits for a terminating pod.",
			"kubectl get job {job} -n {ns} -o yaml -w で status.active と status.terminating の変化を確認できます。代わりのポッドが終了中のポッドを待つかは spec.podReplacementPolicy で決まります。"},
	},
	{
		word:  "deletedPod",
		set:   func(f Fact) bool { return f.DeletedPod != nil },
		job:   jobOf(func(f Fact) *JobRef { return f.DeletedPod }),
		name:  fixed("the deleted pod ends"),
		ja:    fixed("削除したポッドの終わり方"),
		watch: true,
		args:  needJob("deletedPod", jobOf(func(f Fact) *JobRef { return f.DeletedPod })),
		hint: Hint{"kubectl get pods -l job-name={job} -n {ns} -w shows the deleted pod's last phase: its container's answer to TERM (a trap's exit code) decides it.",
			"kubectl get pods -l job-name={job} -n {ns} -w で削除したポッドの最後のフェーズを確認できます。TERM を受けたコンテナの終わり方(trap の終了コード)で決まります。"},
	},
	{
		word:  "replacedAfter",
		set:   func(f Fact) bool { return f.ReplacedAfter != nil },
		job:   jobOf(func(f Fact) *JobRef { return f.ReplacedAfter }),
		name:  fixed("the replacement pod is created after the deleted pod has terminated"),
		ja:    fixed("代わりのポッドは削除したポッドが終了してから作成される"),
		watch: true,
		args: func(f Fact) string {
			if m := needJob("replacedAfter", jobOf(func(f Fact) *JobRef { return f.ReplacedAfter }))(f); m != "" {
				return m
			}
			if f.DocumentedText() != "yes" {
				return fmt.Sprintf("replacedAfter: documented %q: write yes", f.DocumentedText())
			}
			return ""
		},
		hint: Hint{"spec.podReplacementPolicy: Failed makes the Job controller wait until a deleted pod has terminated before it creates the replacement; kubectl get pods -l job-name={job} -n {ns} -w shows the order.",
			"spec.podReplacementPolicy: Failed にすると、ジョブコントローラは削除したポッドが終了するまで代わりのポッドを作りません。kubectl get pods -l job-name={job} -n {ns} -w で順番を確認できます。"},
	},
	{
		word:       "cron",
		set:        func(f Fact) bool { return f.Cron != nil },
		job:        fixed(""),
		object:     func(f Fact) (string, string) { return "CronJob", f.Cron.CronJob },
		hintObject: func(f Fact) string { return "cronjob " + f.Cron.CronJob },
		name:       func(f Fact) string { return "cronjob " + f.Cron.CronJob + ": runs, " + f.Cron.Of },
		ja:         func(f Fact) string { return "クーロンジョブ " + f.Cron.CronJob + " の実行: " + f.Cron.Of },
		args: func(f Fact) string {
			c := f.Cron
			if c.CronJob == "" {
				return "cron: name the CronJob (cronjob: NAME)"
			}
			if !slices.Contains(CronOf, c.Of) {
				return fmt.Sprintf("cron of %q: one of %s", c.Of, strings.Join(CronOf, ", "))
			}
			switch c.Of {
			case CronApart, CronOnTime:
				if _, err := f.DocumentedDuration(); err != nil {
					return "cron " + c.Of + ": " + err.Error()
				}
			case CronKept:
				if _, err := f.DocumentedInt(); err != nil {
					return "cron kept: " + err.Error()
				}
			case CronSucceeded:
				if f.DocumentedText() != "1/1" {
					return fmt.Sprintf("cron succeeded: documented %q: write 1/1 (each run's one pod succeeded)", f.DocumentedText())
				}
			case CronNames, CronRemovedAfter, CronOldestPodsGone:
				if f.DocumentedText() != "yes" {
					return fmt.Sprintf("cron %s: documented %q: write yes", c.Of, f.DocumentedText())
				}
			case CronDeleteEvent:
				if !strings.Contains(f.DocumentedText(), "{oldest}") {
					return fmt.Sprintf("cron deleteEvent: documented %q: the event's message, naming the oldest run as {oldest} (\"Deleted job {oldest}\")", f.DocumentedText())
				}
			}
			return ""
		},
		hint: Hint{"kubectl get jobs -n {ns} -w shows the CronJob's runs come and go; kubectl describe {object} -n {ns} shows its schedule, history limits and events.",
			"kubectl get jobs -n {ns} -w でクーロンジョブの実行の作成と削除を、kubectl describe {object} -n {ns} でスケジュール、保存世代数、イベントを確認できます。"},
	},
	{
		word:       "cronPolicy",
		set:        func(f Fact) bool { return f.CronPolicy != nil },
		job:        fixed(""),
		object:     func(f Fact) (string, string) { return "CronJob", f.CronPolicy.CronJob },
		hintObject: func(f Fact) string { return "cronjob " + f.CronPolicy.CronJob },
		name:       func(f Fact) string { return "cronjob " + f.CronPolicy.CronJob + ": " + f.CronPolicy.Of },
		ja:         func(f Fact) string { return "クーロンジョブ " + f.CronPolicy.CronJob + ": " + f.CronPolicy.Of },
		args: func(f Fact) string {
			c := f.CronPolicy
			switch {
			case c.CronJob == "":
				return "cronPolicy: name the CronJob (cronjob: NAME)"
			case !slices.Contains(CronPolicyOf, c.Of):
				return fmt.Sprintf("cronPolicy of %q: one of %s", c.Of, strings.Join(CronPolicyOf, ", "))
			case (c.Of == PolicyScheduledOnly) != (c.Other != ""):
				return "cronPolicy: other, the CronJob of the same schedule in another time zone, goes with of: scheduledOnly, and only with it"
			case c.Of == PolicyFailedKept:
				if n, err := f.DocumentedInt(); err != nil || n != 1 {
					return fmt.Sprintf("cronPolicy failedKept: documented %q: write 1 (the check follows failedJobsHistoryLimit 1 over two failed runs)", f.DocumentedText())
				}
			}
			return ""
		},
		hint: Hint{"kubectl get jobs -n {ns} -w shows the CronJob's runs start, end and go; kubectl describe {object} -n {ns} shows its concurrencyPolicy, startingDeadlineSeconds, suspend, timeZone, history limits and events.",
			"kubectl get jobs -n {ns} -w でクーロンジョブの実行の開始、終了、削除を、kubectl describe {object} -n {ns} で concurrencyPolicy、startingDeadlineSeconds、suspend、timeZone、保存世代数、イベントを確認できます。"},
	},
	{
		word:  "startedFirst",
		set:   func(f Fact) bool { return f.StartedFirst != nil },
		job:   jobOf(func(f Fact) *JobRef { return f.StartedFirst }),
		name:  fixed("pods created before the first one finished"),
		ja:    fixed("最初のポッドが終了する前に作成されたポッド"),
		watch: true,
		args:  needJobAndInt("startedFirst", jobOf(func(f Fact) *JobRef { return f.StartedFirst })),
		hint: Hint{"spec.parallelism decides how many pods run at once; kubectl get pods -n {ns} -w shows them come and go.",
			"同時に実行するポッドの数(並行数)は spec.parallelism で決まります。kubectl get pods -n {ns} -w でポッドの起動と終了を確認できます。"},
	},
	{
		word:       "broker",
		set:        func(f Fact) bool { return f.Broker != nil },
		job:        fixed(""),
		object:     func(Fact) (string, string) { return "", "" },
		hintObject: func(Fact) string { return "job pngen" },
		name:       func(f Fact) string { return brokerNames[f.Broker.Of][0] },
		ja:         func(f Fact) string { return brokerNames[f.Broker.Of][1] },
		args: func(f Fact) string {
			if !slices.Contains(BrokerOf, f.Broker.Of) {
				return fmt.Sprintf("broker of %q: one of %s", f.Broker.Of, strings.Join(BrokerOf, ", "))
			}
			return ""
		},
		hint: Hint{"kubectl logs -l job-name=pngen -n {ns}: each worker pod takes one item from the queue the initiator filled, prints its primes, then acknowledges it.",
			"kubectl logs -l job-name=pngen -n {ns} でログを確認してください。ワーカーのポッドはイニシエーターが入れたキューから1項目ずつ受け取り、素数を出力してから確認応答します。"},
	},
	{
		word: "podsLost",
		set:  func(f Fact) bool { return f.PodsLost != nil },
		job:  jobOf(func(f Fact) *JobRef { return f.PodsLost }),
		name: fixed("a running pod lost (counted failed by the Job controller)"),
		ja:   fixed("実行中のポッドが失われる(ジョブコントローラは異常終了と数える)"),
		args: needJobAndInt("podsLost", jobOf(func(f Fact) *JobRef { return f.PodsLost })),
		hint: Hint{"kubectl describe job {job} -n {ns}: the lost pod is counted Failed in Pods Statuses and a new pod takes its place.",
			"kubectl describe job {job} -n {ns} の Pods Statuses で、失われたポッドは Failed と数えられ、新しいポッドが代わりに起動されます。"},
	},
	{
		word: "replacedElsewhere",
		set:  func(f Fact) bool { return f.ReplacedElsewhere != nil },
		job:  jobOf(func(f Fact) *JobRef { return f.ReplacedElsewhere }),
		name: fixed("the lost pod is started again on another node"),
		ja:   fixed("失われたポッドが別のノードで再び起動される"),
		args: func(f Fact) string {
			if m := needJob("replacedElsewhere", jobOf(func(f Fact) *JobRef { return f.ReplacedElsewhere }))(f); m != "" {
				return m
			}
			if f.DocumentedText() != "another node" {
				return fmt.Sprintf("replacedElsewhere: documented %q: write another node", f.DocumentedText())
			}
			return ""
		},
		hint: Hint{"kubectl get pods -o wide -n {ns} shows each pod's NODE, kubectl get nodes the stopped node NotReady; only a controller (the Job) starts a lost pod again: a bare Pod is not replaced.",
			"kubectl get pods -o wide -n {ns} で各ポッドの NODE を、kubectl get nodes で停止したノードが NotReady であることを確認してください。失われたポッドを再び起動するのはコントローラ(ジョブ)です。単独のポッドは置き換えられません。"},
	},
	{
		word: "lostPodFate",
		set:  func(f Fact) bool { return f.LostPodFate != nil },
		job:  jobOf(func(f Fact) *JobRef { return f.LostPodFate }),
		name: fixed("the lost pod's fate"),
		ja:   fixed("失われたポッドの行方"),
		args: func(f Fact) string {
			if m := needJob("lostPodFate", jobOf(func(f Fact) *JobRef { return f.LostPodFate }))(f); m != "" {
				return m
			}
			if f.DocumentedText() != "taken off" {
				return fmt.Sprintf("lostPodFate: documented %q: write taken off (deleted, marked for deletion or Failed by the control plane; never Succeeded)", f.DocumentedText())
			}
			return ""
		},
		hint: Hint{"kubectl describe job {job} -n {ns}: the lost pod is counted Failed in Pods Statuses and a new pod takes its place.",
			"kubectl describe job {job} -n {ns} の Pods Statuses で、失われたポッドは Failed と数えられ、新しいポッドが代わりに起動されます。"},
	},
	{
		word: "podsEnded",
		set:  func(f Fact) bool { return f.PodsEnded != nil },
		job:  jobOf(func(f Fact) *JobRef { return f.PodsEnded }),
		name: fixed("pods that ran to an end (succeeded and failed)"),
		ja:   fixed("終了まで実行されたポッド(成功と異常終了)"),
		args: needJobAndInt("podsEnded", jobOf(func(f Fact) *JobRef { return f.PodsEnded })),
		hint: Hint{"kubectl describe job {job} -n {ns}: Pods Statuses counts the pods that succeeded and failed; spec.completions and the pods lost decide them.",
			"kubectl describe job {job} -n {ns} の Pods Statuses で成功と異常終了のポッドの数を確認できます。spec.completions と失われたポッドで決まります。"},
	},
	{
		word:   "apiMapping",
		set:    func(f Fact) bool { return f.APIMapping != nil },
		job:    fixed(""),
		object: func(Fact) (string, string) { return "", "" },
		name: func(f Fact) string {
			return "kubectl apply's error for kind " + f.APIMapping.Kind + " in " + f.APIMapping.GroupVersion()
		},
		ja: func(f Fact) string {
			return f.APIMapping.GroupVersion() + " の " + f.APIMapping.Kind + " に対する kubectl apply のエラー"
		},
		args: func(f Fact) string {
			if a := f.APIMapping; a.Version == "" || a.Kind == "" {
				return "apiMapping: group, version and kind (apiMapping: {group: batch, version: v1beta1, kind: CronJob})"
			}
			return ""
		},
		hint: Hint{"kubectl api-versions lists the API versions the cluster serves; write the manifest's apiVersion as one of them.",
			"kubectl api-versions でクラスタが提供する API バージョンを確認し、マニフェストの apiVersion をその1つにしてください。"},
	},
	{
		word:   "served",
		set:    func(f Fact) bool { return f.Served != nil },
		job:    fixed(""),
		object: func(Fact) (string, string) { return "", "" },
		name:   func(f Fact) string { return f.Served.GroupVersion() + " is served" },
		ja:     func(f Fact) string { return f.Served.GroupVersion() + " が提供されている" },
		args: func(f Fact) string {
			if f.Served.Version == "" {
				return "served: group and version (served: {group: batch, version: v1beta1})"
			}
			if d := f.DocumentedText(); d != "yes" && d != "no" {
				return fmt.Sprintf("served: documented %q: yes or no", d)
			}
			return ""
		},
		hint: Hint{"kubectl api-versions lists the API versions the cluster serves.",
			"kubectl api-versions でクラスタが提供する API バージョンを確認できます。"},
	},
	{
		word:   "objects",
		set:    func(f Fact) bool { return f.Objects != nil },
		job:    fixed(""),
		object: func(Fact) (string, string) { return "", "" },
		name:   func(f Fact) string { return f.Objects.Kind + "s created" },
		ja:     func(f Fact) string { return "作成された " + f.Objects.Kind },
		args: func(f Fact) string {
			if k := f.Objects.Kind; k != "Job" && k != "CronJob" {
				return fmt.Sprintf("objects kind %q: Job or CronJob", k)
			}
			if _, err := f.DocumentedInt(); err != nil {
				return "objects: " + err.Error()
			}
			return ""
		},
		hint: Hint{"kubectl get jobs,cronjobs -n {ns} lists what the lab's manifests created.",
			"kubectl get jobs,cronjobs -n {ns} で作成されたものを確認できます。"},
	},
}

// stateRE is a Job's status counts as statusSeen documents them.
var stateRE = regexp.MustCompile(`^active [0-9]+, terminating [0-9]+$`)

// joinInts writes whole numbers separated by commas.
func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// Vocabulary is every check a fact can use, in the order the
// documentation gives them.
var Vocabulary = func() []string {
	words := make([]string, len(vocabulary))
	for i, c := range vocabulary {
		words[i] = c.word
	}
	return words
}()

// checks are the vocabulary's checks a fact uses (one, in a valid fact).
func (f Fact) checks() []*check {
	var out []*check
	for i := range vocabulary {
		if vocabulary[i].set(f) {
			out = append(out, &vocabulary[i])
		}
	}
	return out
}

// check is the fact's one check, nil when it has none or several.
func (f Fact) check() *check {
	if cs := f.checks(); len(cs) == 1 {
		return cs[0]
	}
	return nil
}

// words lists the vocabulary words set on a fact.
func (f Fact) words() []string {
	var w []string
	for _, c := range f.checks() {
		w = append(w, c.word)
	}
	return w
}

// Check is the vocabulary word a fact uses ("kubectl", "condition", ...).
func (f Fact) Check() string {
	if c := f.check(); c != nil {
		return c.word
	}
	return ""
}

// Job is the Job a fact is about ("" for a field of another object or a
// CronJob's column).
func (f Fact) Job() string {
	if c := f.check(); c != nil {
		return c.job(f)
	}
	return ""
}

// Object is the kind and name of the object a fact is about.
func (f Fact) Object() (kind, name string) {
	c := f.check()
	switch {
	case c == nil:
		return "", ""
	case c.object != nil:
		return c.object(f)
	}
	return "Job", c.job(f)
}

// needsWatch tells whether a fact reads what a wait step's watch saw
// (the pods' timeline), not only the objects at the end.
func (f Fact) needsWatch() bool {
	c := f.check()
	return c != nil && c.watch
}

// DefaultName is the report's row name of a fact that names none.
func (f Fact) DefaultName() string {
	if c := f.check(); c != nil {
		return c.name(f)
	}
	return f.ID
}

// JaName is the row's name in Japanese: the fact's own (ja), else its
// check's in the notes' terms ("" for a fact that names its row in
// English only: the English name then stands).
func (f Fact) JaName() string {
	if f.Ja != "" {
		return f.Ja
	}
	if f.Name != "" {
		return ""
	}
	if c := f.check(); c != nil {
		return c.ja(f)
	}
	return ""
}

// checkArgs checks a fact's check and documented value; "" when fine.
func (f Fact) checkArgs() string {
	if c := f.check(); c != nil {
		return c.args(f)
	}
	return ""
}

// HintFor is the fact's hint in a namespace: its own, else its check's.
func (f Fact) HintFor(namespace string) Hint {
	c := f.check()
	if c == nil {
		return Hint{}
	}
	object := "job " + c.job(f)
	if c.hintObject != nil {
		object = c.hintObject(f)
	}
	h := c.hint
	if f.Hint != nil {
		h = *f.Hint
	}
	fill := strings.NewReplacer("{job}", c.job(f), "{object}", object, "{ns}", namespace)
	return Hint{En: fill.Replace(h.En), Ja: fill.Replace(h.Ja)}
}
