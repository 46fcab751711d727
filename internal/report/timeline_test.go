package report

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/joblab/joblab/lesson"
)

func TestTimelineSVGPlacesPodsInTime(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	pods := []lesson.PodSpan{
		{Name: "normal-job-aaaaa", Created: at(0), Started: at(1), Finished: at(11), Phase: "Succeeded"},
		{Name: "<b>", Created: at(11), Started: at(12), Finished: at(22), Deleted: at(30), Phase: "Failed"},
	}
	svg := string(TimelineSVG(pods, "en"))
	if got := strings.Count(svg, `<g class="pod"`); got != 2 {
		t.Fatalf("%d pod rows, want 2", got)
	}
	// The axis spans the 30 s seen over 620 px, after 170 px of names.
	px := func(s float64) string { return fmt.Sprintf("%.1f", 170+s*620/30) }
	tenSeconds := fmt.Sprintf("%.1f", 10*620.0/30)
	for _, want := range []string{
		`<rect x="` + px(1) + `" y="24" width="` + tenSeconds + `" height="11" fill="#2e7d32">`,  // first pod ran 1..11 s, succeeded
		`<rect x="` + px(12) + `" y="40" width="` + tenSeconds + `" height="11" fill="#c62828">`, // second ran 12..22 s, failed
		`<line class="deleted" x1="` + px(30) + `"`,                                              // and was deleted at 30 s
		`&lt;b&gt;`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("timeline lacks %s\n%s", want, svg)
		}
	}
	if strings.Contains(svg, "<b>") {
		t.Error("a pod name is not escaped")
	}
	if TimelineSVG(nil, "en") != "" {
		t.Error("a lab without pods got a timeline")
	}
	if ja := string(TimelineSVG(pods, "ja")); !strings.Contains(ja, "正常終了") {
		t.Error("the Japanese timeline's legend is not Japanese")
	}
}
