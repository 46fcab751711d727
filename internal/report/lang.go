package report

import (
	"html/template"

	"github.com/joblab/joblab/lesson"
)

// Langs are the languages a report can be read in: English, and Japanese,
// the lesson's own language (its facts in the notes' terms).
var Langs = []string{"en", "ja"}

// wordsJa are the report's own words in Japanese.
var wordsJa = map[string]string{
	"lab": "ラボ", "verdict": "判定", "duration": "所要時間", "reason": "理由",
	"fact": "事実", "the lesson says": "テキストの記述", "observed": "観測結果", "where to look": "確認する場所",
	"passed": "合格", "failed": "不合格", "interrupted": "中断", "differs": "相違あり", "could not run": "実行できず", "not verified": "未検証", "some labs not verified": "未検証のラボあり",
	"every lab passed": "すべてのラボが合格", "some labs failed": "不合格のラボあり",
	"Cluster": "クラスタ", "Started": "開始", "took": "所要時間",
	"student": "学生", "labs passed": "合格したラボ", "facts matched": "一致した事実",
	"ok": "一致", "DIFFERS": "相違", "n/a": "観測不可",
	"students":       "人",
	"more":           "詳細",
	"pods over time": "ポッドの時間経過", "created": "作成", "ran": "実行", "deleted": "削除",
	"waiting": "待機", "running": "実行中", "Succeeded": "正常終了", "Failed": "異常終了",
	"timeline":                         "タイムライン",
	"The lesson's way and today's way": "テキストのやり方と今のやり方",
	"the lesson's way":                 "テキストのやり方", "today's way": "今のやり方",
	"took (lesson)": "所要時間(テキスト)", "took (today's)": "所要時間(今)",
}

// word returns one of the report's words in a language.
func word(lang, w string) string {
	if lang == "ja" {
		if ja, ok := wordsJa[w]; ok {
			return ja
		}
	}
	return w
}

// ValidLang tells whether a report can be read in lang.
func ValidLang(lang string) bool {
	for _, l := range Langs {
		if l == lang {
			return true
		}
	}
	return false
}

// langFuncs are the template functions of a language.
func langFuncs(lang string) map[string]any {
	return map[string]any{
		"t":        func(w string) string { return word(lang, w) },
		"fact":     func(row lesson.Row) string { return row.FactIn(lang) },
		"value":    func(v string) string { return lesson.ValueIn(lang, v) },
		"hint":     func(h *lesson.Hint) string { return h.In(lang) },
		"lang":     func() string { return lang },
		"timeline": func(pods []lesson.PodSpan) template.HTML { return TimelineSVG(pods, lang) },
	}
}
