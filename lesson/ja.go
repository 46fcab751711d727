package lesson

import (
	"regexp"
	"strings"
)

// factsJa are the facts' names in the notes' Japanese terms (ジョブ, ポッド,
// コンテナ, 実行回数, 並行数, 再試行, 保存世代数, クーロンジョブ).
var factsJa = map[string]string{
	"pods deleted with the Job":                                                       "ジョブと一緒にポッドが削除される",
	"primes printed by the four pods together":                                        "4つのポッドが出力した素数の合計",
	"kubectl logs of the pod":                                                         "ポッドのログ(kubectl logs)",
	"Deployment taskqueue available":                                                  "デプロイメント taskqueue が利用可能",
	"a pod of normal-job that has just started running":                               "実行を始めたばかりの normal-job のポッド",
	"the job ends Complete":                                                           "ジョブが正常終了(Complete)する",
	"the job ends Failed":                                                             "ジョブが中断(Failed)する",
	"the job initiator fills the queue and creates Job pngen":                         "イニシエーターがキューを満たし、ジョブ pngen を作成する",
	"CronJobs created":                                                                "作成されたクーロンジョブ",
	"Job names hello-<scheduled minute since the epoch>":                              "ジョブ名 hello-<予定時刻(エポックからの分)>",
	"RabbitMQ answers at <node IP>:31672 from outside the cluster":                    "クラスタの外から <ノードIP>:31672 の RabbitMQ に接続できる",
	"Job pngen as stored, compared in full with the lesson's":                         "保存されたジョブ pngen 全体をテキストと比較",
	"RabbitMQ answers at <node IP>:31672 (from a pod: the nodes cannot be read here)": "<ノードIP>:31672 の RabbitMQ に接続できる(ポッドから: ここではノードを読めない)",
	"a running pod lost (counted failed by the Job controller)":                       "実行中のポッドが失われる(ジョブコントローラは異常終了と数える)",
	"batch/v1beta1 is not served":                                                     "batch/v1beta1 は提供されていない",
	"container exit codes":                                                            "コンテナの終了コード",
	"describe: Completions":                                                           "describe: Completions(実行回数)",
	"describe: Parallelism":                                                           "describe: Parallelism(並行数)",
	"describe: Pods Statuses":                                                         "describe: Pods Statuses(ポッドの状態)",
	"describe: Pods Statuses (the Job controller's record)":                           "describe: Pods Statuses(ジョブコントローラの記録)",
	"describe: events":                                                                "describe: Events(イベント)",
	"each Job 1/1":                                                                    "各ジョブ 1/1",
	"each item handled once":                                                          "各項目を1回ずつ処理",
	"each log: a date line, then the greeting":                                        "各ログ: 日時の行と挨拶",
	"each pod log: one of the lesson's items, then exactly its primes":                "各ポッドのログ: テキストの項目の1つと、その範囲の素数だけ",
	"events name distinct pods":                                                       "イベントが別々のポッドを示す",
	"exactly the primes of 2..100001 (A_START_NUM=2, A_SIZE_NUM=10**5)":               "2..100001 の素数だけ(A_START_NUM=2, A_SIZE_NUM=10**5)",
	"finished Jobs kept when the oldest is removed":                                   "最古のジョブ削除時に残る終了済みジョブ(保存世代数)",
	"first and last prime":                                                            "最初と最後の素数",
	"waits from a pod's failure to the next pod grow (back-off)":                      "ポッドの異常終了から次のポッドまでの待ち時間が伸びる(再試行の間隔)",
	"how the initiator reached the broker":                                            "イニシエーターがブローカーに接続した方法",
	"job condition Failed, reason":                                                    "ジョブの状態 Failed の理由",
	"joblab's error names the removal and the fix":                                    "joblab のエラーが廃止と直し方を示す",
	"kubectl apply's error for the notes' CronJob":                                    "テキストのクーロンジョブに対する kubectl apply のエラー",
	"kubectl get cronjobs: SCHEDULE":                                                  "kubectl get cronjobs: SCHEDULE(スケジュール)",
	"kubectl get cronjobs: SUSPEND":                                                   "kubectl get cronjobs: SUSPEND(一時停止)",
	"kubectl get jobs: COMPLETIONS":                                                   "kubectl get jobs: COMPLETIONS(実行回数)",
	"kubectl get pod: READY":                                                          "kubectl get pod: READY(準備完了のコンテナ)",
	"kubectl get pod: STATUS":                                                         "kubectl get pod: STATUS(状態)",
	"kubectl get pod: pods of the Job":                                                "kubectl get pod: ジョブのポッド",
	"messages left in queue taskqueue":                                                "キュー taskqueue に残るメッセージ",
	"most pods active at once":                                                        "同時に実行されたポッドの最大数",
	"one Job per minute":                                                              "1分に1つのジョブ",
	"each Job appeared in the minute it is named for":                                 "各ジョブは名前の分に作成された",
	"pod phases":   "ポッドのフェーズ",
	"pods created": "作成されたポッド数",
	"pods created (first try + backoffLimit retries)":                            "作成されたポッド数(初回 + 再試行上限 backoffLimit)",
	"pods created two at a time (SuccessfulCreate in pairs)":                     "ポッドが2つずつ作成される(SuccessfulCreate が2つずつ)",
	"pods of the finished Job":                                                   "終了したジョブのポッド",
	"pods run one after another":                                                 "ポッドが1つずつ順に実行される",
	"pods that ran to an end: the completions plus one replacement per lost pod": "終了まで実行されたポッド: 実行回数と、失われたポッドの代わり",
	"primes printed": "出力された素数の数",
	"removed by the CronJob controller (event SuccessfulDelete)":                     "クーロンジョブのコントローラが削除(イベント SuccessfulDelete)",
	"the Job sets no TTL after finishing (ttlSecondsAfterFinished)":                  "ジョブに終了後の TTL がない(ttlSecondsAfterFinished)",
	"the log holds only numbers in brackets":                                         "ログは角括弧の中の数字だけ",
	"the oldest Job removed only after the fourth run finished":                      "最古のジョブは4回目の実行が終了してから削除される",
	"the oldest Job's pods removed with it":                                          "最古のジョブのポッドも一緒に削除される",
	"the whole log in numpy's layout (12 a line, width 5, as the notes)":             "ログ全体が numpy の形式(1行12個、幅5、テキストの通り)",
	"workers started first (parallelism 2)":                                          "最初に起動したワーカー(並行数 2)",
	"the Job's pod runs on a worker":                                                 "ジョブのポッドがワーカーで実行される",
	"the stopped node noticed lost (NotReady)":                                       "停止したノードが失われたと検知される(NotReady)",
	"the lost pod is started again on another node":                                  "失われたポッドが別のノードで再び起動される",
	"the lost pod's fate":                                                            "失われたポッドの行方",
	"the Job reaches its completion while the node is down (SuccessCriteriaMet)":     "ノードの停止中にジョブが実行回数に達する(SuccessCriteriaMet)",
	"pods created: the lost one and its replacement":                                 "作成されたポッド数: 失われたポッドとその代わり",
	"each pod log's primes in numpy's layout (as the notes print an array)":          "各ポッドのログの素数が numpy の形式(テキストの配列の表示の通り)",
	"the eviction is accepted":                                                       "退避(eviction)が受け付けられる",
	"a running pod of the Job":                                                       "実行中のジョブのポッド",
	"the deleted pod ends":                                                           "削除したポッドの終わり方",
	"Job status after the delete: terminating 1 with active 0, then the replacement": "削除後のジョブの状態: 終了中 1・実行中 0、その後に代わりのポッド",
	"the replacement pod is created after the deleted pod has terminated":            "代わりのポッドは削除したポッドが終了してから作成される",
	"pods created (the deleted one and its replacement)":                             "作成されたポッド数(削除したポッドとその代わり)",
	"the resumed Job ends Complete":                                                  "再開したジョブが正常終了(Complete)する",
	"Job deadline ends Failed":                                                       "ジョブ deadline が中断(Failed)する",
	"Job cleaned-after-ttl ends Complete":                                            "ジョブ cleaned-after-ttl が正常終了(Complete)する",
	"Job cleaned-after-ttl removed by the TTL controller":                            "ジョブ cleaned-after-ttl が TTL コントローラに削除される",
	"a CronJob whose timeZone is not in the time zone database":                      "タイムゾーンのデータベースにない timeZone のクーロンジョブ",
}

// factPatternsJa translate the facts whose names carry values.
var factPatternsJa = []struct {
	re *regexp.Regexp
	ja string
}{
	{regexp.MustCompile(`^(.+): the manifest$`), "$1: マニフェスト"},
	{regexp.MustCompile(`^(.+): written by$`), "$1: 書いた人"},
	{regexp.MustCompile(`^(.+) \(this project departs from the notes\)$`), "$1(このプロジェクトがテキストと異なる点)"},
	{regexp.MustCompile(`^kubectl logs: line (\d+) as the notes print it$`), "kubectl logs: テキストに載っている $1 行目"},
	{regexp.MustCompile(`^pods kept after the Job finished \(watched (.+)\)$`), "ジョブ終了後もポッドが保持される($1 監視)"},
	{regexp.MustCompile(`^finished pods kept until the Job is deleted \(watched (.+)\)$`), "終了したポッドはジョブの削除まで保持される($1 監視)"},
	{regexp.MustCompile(`^manifest (.+)$`), "マニフェスト $1"},
	{regexp.MustCompile(`^(\d+) runs finished, then the oldest removed by the history clean-up$`), "$1 回の実行が終了し、最古のジョブが履歴の削除で消される"},
	{regexp.MustCompile(`^Job pngen (.+)$`), "ジョブ pngen の $1"},
	// The broker lab at a student's own NodePort (settings.BrokerNodePort).
	{regexp.MustCompile(`^RabbitMQ answers at <node IP>:(\d+) from outside the cluster$`), "クラスタの外から <ノードIP>:$1 の RabbitMQ に接続できる"},
	{regexp.MustCompile(`^RabbitMQ answers at <node IP>:(\d+) \(from a pod: the nodes cannot be read here\)$`), "<ノードIP>:$1 の RabbitMQ に接続できる(ポッドから: ここではノードを読めない)"},
	{regexp.MustCompile(`^(\S+): Service (\S+) nodePort \(a departure the teacher allowed\)$`), "$1: サービス $2 の nodePort(教師が認めたテキストとの違い)"},
	// The steps of lab folders (pkg/specs/folder_spec.go).
	{regexp.MustCompile(`^job (\S+) ends (\S+)$`), "ジョブ $1 が $2 で終了する"},
	{regexp.MustCompile(`^Kubernetes release$`), "Kubernetes のリリース"},
	{regexp.MustCompile(`^a running pod of job (\S+) deleted$`), "ジョブ $1 の実行中のポッドを削除"},
	{regexp.MustCompile(`^job (\S+) watched for (\S+)$`), "ジョブ $1 を $2 監視"},
	{regexp.MustCompile(`^job (\S+) suspended$`), "ジョブ $1 を一時停止"},
	{regexp.MustCompile(`^job (\S+) resumed$`), "ジョブ $1 を再開"},
	{regexp.MustCompile(`^(\S+) (\S+) patched$`), "$1 $2 にパッチを適用"},
	{regexp.MustCompile(`^kubectl apply -f (\S+)$`), "$1 の適用(kubectl apply -f)"},
	{regexp.MustCompile(`^a running pod of (.+)$`), "実行中の $1 のポッド"},
	{regexp.MustCompile(`^Job evicted-not-counted ends Complete although backoffLimit is 0$`), "ジョブ evicted-not-counted が backoffLimit 0 でも正常終了(Complete)する"},
}

// FactIn returns a fact's name in a language: "ja" for the notes' terms,
// anything else for English (the name as recorded). A fact without a
// translation keeps its English name.
func FactIn(lang, fact string) string {
	if lang != "ja" {
		return fact
	}
	if ja, ok := factsJa[fact]; ok {
		return ja
	}
	for _, p := range factPatternsJa {
		if p.re.MatchString(fact) {
			return p.re.ReplaceAllString(fact, p.ja)
		}
	}
	return fact
}

// valuesJa are the words of documented and observed values that read
// differently in Japanese; values themselves (numbers, names, logs) stay.
var valuesJa = strings.NewReplacer(
	"the same", "同じ",
	"as the lesson writes it", "テキストの記述の通り",
	"not observed: ", "観測できず: ",
)

// ValueIn returns a documented or observed value in a language.
func ValueIn(lang, value string) string {
	if lang != "ja" {
		return value
	}
	if value == "unset" {
		return "未設定"
	}
	return valuesJa.Replace(value)
}
