package lesson

// Hint tells a student where to look when a fact differs: the kubectl
// command that shows it and the manifest field that decides it, in English
// and in the notes' Japanese terms (ジョブ, ポッド, 再試行, ...). Each row
// carries its own (FactRef): a lab folder's fact or step gives it, or the
// part of joblab that adds the row (rows.go).
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
