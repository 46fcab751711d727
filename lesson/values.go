package lesson

import "strings"

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
