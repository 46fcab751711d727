package queue_test

import (
	"strings"
	"testing"

	"github.com/joblab/joblab/labs/queue"
)

func TestPayloadAndPythonList(t *testing.T) {
	it := queue.Item{Start: 1001, End: 2000}
	if got := string(it.Payload()); got != "1001, 2000" {
		t.Errorf("Payload() = %q, want %q", got, "1001, 2000")
	}
	// the lesson's log line for this item (10.8)
	if got := queue.PythonList(it.Payload()); got != "['1001', ' 2000']" {
		t.Errorf("PythonList = %s, want ['1001', ' 2000']", got)
	}
}

func TestPythonList(t *testing.T) {
	tests := []struct{ payload, want string }{
		{"", "['']"},
		{"1,2", "['1', '2']"},
		{"1, 2, 3", "['1', ' 2', ' 3']"},
		{"a,", "['a', '']"},
		{"it's", `["it's"]`},
		{`it's "x"`, `['it\'s "x"']`},
		{`back\slash`, `['back\\slash']`},
		{"tab\there\n", `['tab\there\n']`},
		{"\x00\x7f", `['\x00\x7f']`},
		{"\xff", `['\xff']`},
		{"grüße", "['grüße']"},
	}
	for _, tt := range tests {
		if got := queue.PythonList([]byte(tt.payload)); got != tt.want {
			t.Errorf("PythonList(%q) = %s, want %s", tt.payload, got, tt.want)
		}
	}
}

func TestParseItem(t *testing.T) {
	tests := []struct {
		payload string
		want    queue.Item
	}{
		{"1001, 2000", queue.Item{Start: 1001, End: 2000}},
		{"1,1000", queue.Item{Start: 1, End: 1000}},
		{"  7 ,  7  ", queue.Item{Start: 7, End: 7}},
		{"3001, 4000\n", queue.Item{Start: 3001, End: 4000}},
	}
	for _, tt := range tests {
		got, err := queue.ParseItem([]byte(tt.payload))
		if err != nil || got != tt.want {
			t.Errorf("ParseItem(%q) = %v, %v; want %v", tt.payload, got, err, tt.want)
		}
	}
}

func TestParseItemErrors(t *testing.T) {
	tests := []struct{ payload, problem string }{
		{"", "exactly two numbers"},
		{"1001", "exactly two numbers"},
		{"1, 2, 3", "exactly two numbers"},
		{"a, 2", "START is not an integer"},
		{"1, b", "END is not an integer"},
		{"1 000, 2000", "START is not an integer"},
		{"0, 10", "START is below 1"},
		{"-5, 10", "START is below 1"},
		{"2001, 2000", "END is below START"},
	}
	for _, tt := range tests {
		_, err := queue.ParseItem([]byte(tt.payload))
		if err == nil {
			t.Errorf("ParseItem(%q) accepted it", tt.payload)
			continue
		}
		for _, want := range []string{tt.problem, `work item "` + tt.payload + `" is malformed`, `such as "1001, 2000"`} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("ParseItem(%q) error %q does not say %q", tt.payload, err, want)
			}
		}
	}
}

func TestLessonItems(t *testing.T) {
	items := queue.LessonItems()
	want := []string{"1, 1000", "1001, 2000", "2001, 3000", "3001, 4000"}
	if len(items) != len(want) {
		t.Fatalf("%d items, want 4", len(items))
	}
	next := 1
	for i, it := range items {
		if string(it.Payload()) != want[i] {
			t.Errorf("item %d payload %q, want %q", i, it.Payload(), want[i])
		}
		if it.Start != next {
			t.Errorf("item %s does not start right after the previous one (%d)", it, next)
		}
		next = it.End + 1
		back, err := queue.ParseItem(it.Payload())
		if err != nil || back != it {
			t.Errorf("ParseItem(Payload(%s)) = %v, %v", it, back, err)
		}
	}
	if next != 4001 {
		t.Errorf("items end at %d, want 4000", next-1)
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	cfg, err := queue.ConfigFromEnv(env(map[string]string{"BROKER_URL": "amqp://guest:guest@taskqueue:5672", "QUEUE": "taskqueue"}))
	if err != nil || cfg.URL != "amqp://guest:guest@taskqueue:5672" || cfg.Queue != "taskqueue" || cfg.Wait != queue.DefaultWait {
		t.Errorf("ConfigFromEnv = %+v, %v; want the URL, the queue and the default wait", cfg, err)
	}
	cfg, err = queue.ConfigFromEnv(env(map[string]string{"BROKER_URL": "amqp://x/", "QUEUE": "q", "WAIT_SECONDS": "5"}))
	if err != nil || cfg.Wait.Seconds() != 5 {
		t.Errorf("ConfigFromEnv with WAIT_SECONDS=5 = %+v, %v", cfg, err)
	}
	for _, bad := range []string{"0", "-1", "1.5", "x"} {
		if _, err := queue.ConfigFromEnv(env(map[string]string{"BROKER_URL": "amqp://x/", "QUEUE": "q", "WAIT_SECONDS": bad})); err == nil {
			t.Errorf("ConfigFromEnv accepted WAIT_SECONDS=%q", bad)
		}
	}
}

func TestRedactURL(t *testing.T) {
	if got := queue.RedactURL("amqp://guest:secret@taskqueue:5672/"); got != "amqp://guest:xxxxx@taskqueue:5672/" {
		t.Errorf("RedactURL = %s", got)
	}
	if got := queue.RedactURL("amqp://guest:sec ret@%zz"); strings.Contains(got, "sec") {
		t.Errorf("RedactURL of a bad URL = %s, shows the password", got)
	}
}
