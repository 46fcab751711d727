package lesson

import (
	"fmt"
	"strings"
)

// The rows joblab itself adds to a lab's report, beside its folder's
// facts and steps: the manifest's comparison with the lesson, where a
// file came from, the Kubernetes release a lab needs. Each is made here,
// with its id, its Japanese name and its hint, once.

// compareHint is the hint of a manifest that could not be compared.
var compareHint = &Hint{
	En: "Compare your manifest with the lesson's, field by field (the rows above name each difference).",
	Ja: "マニフェストをテキストの記述と1項目ずつ比べてください(上の行が違いを示します)。",
}

// ManifestRow is a manifest compared in full: no field differs.
func ManifestRow(file string) FactRef {
	return FactRef{ID: "manifest/" + file, Name: file + ": the manifest", Ja: file + ": マニフェスト", Hint: compareHint}
}

// ManifestUnreadRow is a manifest that could not be compared (it does not
// decode, or the API server refused its dry run).
func ManifestUnreadRow(file string) FactRef {
	return FactRef{ID: "manifest/" + file, Name: "manifest " + file, Ja: "マニフェスト " + file, Hint: compareHint}
}

// FieldRow is one field of a manifest's object ("Job normal-job") that
// differs from the lesson's, or could not be decided; its hint shows that
// object as applied.
func FieldRow(file, object, path string) FactRef {
	name := fmt.Sprintf("%s: %s %s", file, object, path)
	return FactRef{ID: "manifest/" + file + "/" + strings.ReplaceAll(object, " ", "/") + "/" + path, Name: name, Ja: name, Short: lastName(path), Hint: &Hint{
		En: "This field of your manifest differs from the lesson's: write it as the lesson does, or remove a field the lesson does not set. kubectl get " + kubectlObject(object) + " -n {ns} -o yaml shows what was applied.",
		Ja: "マニフェストのこの項目がテキストと違います。テキストの通りに書くか、テキストにない項目を削除してください。適用された内容は kubectl get " + kubectlObject(object) + " -n {ns} -o yaml で確認できます。",
	}}
}

// lastName is a field path's last name: spec.template.spec.containers[busybox].command
// is command, spec.ports[5672/TCP].nodePort is nodePort.
// A path that is not one ("(the whole object)") has none: "".
func lastName(path string) string {
	if strings.ContainsAny(path, " ()") {
		return ""
	}
	for {
		i := strings.Index(path, "[")
		if i < 0 {
			break
		}
		j := strings.Index(path[i:], "]")
		if j < 0 {
			break
		}
		path = path[:i] + path[i+j+1:]
	}
	if i := strings.LastIndex(path, "."); i >= 0 {
		path = path[i+1:]
	}
	return path
}

// kubectlObject is an object as kubectl names it: "Job normal-job" is
// "job normal-job"; a name that is not "Kind name" stays as it is.
func kubectlObject(object string) string {
	kind, name, ok := strings.Cut(object, " ")
	if !ok || kind == "" || name == "" {
		return "all" // an object without a kind or a name: every one
	}
	return strings.ToLower(kind) + " " + name
}

// WrittenByRow says where a file the lab applies came from, when the labs
// run on a student's folder: the student's own, or joblab's copy.
func WrittenByRow(file string) FactRef {
	return FactRef{ID: "manifest/" + file + "/written-by", Name: file + ": written by", Ja: file + ": 書いた人", Hint: &Hint{
		En: "The lab applies " + file + ": write it in your manifests folder under that name.",
		Ja: "このラボは " + file + " を適用します。マニフェストのフォルダにその名前で書いてください。",
	}}
}

// DepartureRow is one of the project's deliberate departures from the
// notes (Departures): shown, never a difference, so it has no hint.
func DepartureRow(file, object, path string) FactRef {
	return FactRef{ID: "departure/" + file + "/" + strings.ReplaceAll(object, " ", "/") + "/" + path,
		Name: fmt.Sprintf("%s: %s %s (this project departs from the notes)", file, object, path),
		Ja:   fmt.Sprintf("%s: %s %s(このプロジェクトがテキストと異なる点)", file, object, path)}
}

// NodePortAllowedRow is a student's broker given a NodePort of its own:
// a departure the teacher allowed, never a difference.
func NodePortAllowedRow(file, service string) FactRef {
	return FactRef{ID: "manifest/" + file + "/Service/" + service + "/nodePort-allowed",
		Name: fmt.Sprintf("%s: Service %s nodePort (a departure the teacher allowed)", file, service),
		Ja:   fmt.Sprintf("%s: サービス %s の nodePort(教師が認めたテキストとの違い)", file, service)}
}

// ApplyRow is a file the lab applies that could not be read.
func ApplyRow(file string) FactRef {
	return FactRef{ID: "apply/" + file, Name: "kubectl apply -f " + file, Ja: file + " の適用(kubectl apply -f)", Hint: &Hint{
		En: "The lab could not apply " + file + ": the observed value says why (a file missing from the folder, or one that does not read as YAML).",
		Ja: file + " を適用できませんでした。観測値に理由があります(フォルダにないファイル、YAML として読めないファイルなど)。",
	}}
}

// ReleaseRow is the Kubernetes release a lab needs (its folder's since:).
func ReleaseRow() FactRef {
	return FactRef{ID: "release", Name: "Kubernetes release", Ja: "Kubernetes のリリース", Hint: &Hint{
		En: "kubectl version shows the cluster's release: this lab needs a newer one.",
		Ja: "kubectl version でクラスタのリリースを確認してください。このラボにはより新しいリリースが必要です。",
	}}
}
