package classrun

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// scheduleProbe runs schedule in the background with a start function the
// test controls: each started unit is announced, then waits for release.
type scheduleProbe struct {
	started chan int
	release []chan struct{}
	result  chan []bool
}

func startProbe(ctx context.Context, units []unit, parallel int) *scheduleProbe {
	p := &scheduleProbe{started: make(chan int, len(units)), result: make(chan []bool, 1)}
	for range units {
		p.release = append(p.release, make(chan struct{}))
	}
	go func() {
		p.result <- schedule(ctx, units, parallel, func(i int) {
			p.started <- i
			<-p.release[i]
		})
	}()
	return p
}

// next returns the next started unit, or -1 when none starts within a
// second (a unit that must wait is not started).
func (p *scheduleProbe) next(t *testing.T) int {
	t.Helper()
	select {
	case i := <-p.started:
		return i
	case <-time.After(time.Second):
		return -1
	}
}

func TestScheduleOrdersUnitsThatShareAName(t *testing.T) {
	units := []unit{
		{lab: "normal", holds: []string{"c ns Job/normal-job"}},
		{lab: "prime", holds: []string{"c ns Job/prime-number"}},
		{lab: "behaviours", holds: []string{"c ns Job/normal-job", "c ns Job/prime-number"}},
		{lab: "cron", holds: []string{"c ns CronJob/hello"}},
	}
	p := startProbe(context.Background(), units, 10)
	var first []int
	for range 3 {
		first = append(first, p.next(t))
	}
	slices.Sort(first)
	if !slices.Equal(first, []int{0, 1, 3}) {
		t.Fatalf("first started %v, want normal, prime and cron side by side", first)
	}
	if i := p.next(t); i != -1 {
		t.Fatalf("unit %d started while the labs it shares names with run", i)
	}
	close(p.release[0])
	if i := p.next(t); i != -1 {
		t.Fatalf("unit %d started while prime still holds prime-number", i)
	}
	close(p.release[1])
	if i := p.next(t); i != 2 {
		t.Fatalf("started %d, want behaviours once normal and prime ended", i)
	}
	close(p.release[2])
	close(p.release[3])
	if got := <-p.result; !slices.Equal(got, []bool{true, true, true, true}) {
		t.Fatalf("started %v, want all", got)
	}
}

func TestScheduleKeepsTheOrderOfConflictingUnits(t *testing.T) {
	// Three students' broker labs on one cluster: one NodePort, in turn,
	// in the students' order.
	port := []string{"c NodePort 31672"}
	units := []unit{{lab: "broker", holds: port}, {lab: "broker", holds: port}, {lab: "broker", holds: port}}
	p := startProbe(context.Background(), units, 3)
	for want := range 3 {
		if i := p.next(t); i != want {
			t.Fatalf("started %d, want %d", i, want)
		}
		if i := p.next(t); i != -1 {
			t.Fatalf("unit %d started while unit %d holds the NodePort", i, want)
		}
		close(p.release[want])
	}
	<-p.result
}

func TestScheduleBoundsUnitsAtOnce(t *testing.T) {
	units := make([]unit, 5)
	p := startProbe(context.Background(), units, 2)
	a, b := p.next(t), p.next(t)
	if a < 0 || b < 0 {
		t.Fatal("two free units did not start")
	}
	if i := p.next(t); i != -1 {
		t.Fatalf("a third unit (%d) started with --parallel 2", i)
	}
	close(p.release[a])
	c := p.next(t)
	if c < 0 {
		t.Fatal("no unit started when a slot freed")
	}
	for _, i := range []int{b, c} {
		close(p.release[i])
	}
	for range 2 {
		i := p.next(t)
		if i < 0 {
			t.Fatal("the remaining units did not start")
		}
		close(p.release[i])
	}
	<-p.result
}

func TestScheduleStartsNothingAfterInterruption(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	units := make([]unit, 3)
	p := startProbe(ctx, units, 1)
	first := p.next(t)
	cancel()
	close(p.release[first])
	got := <-p.result
	n := 0
	for _, s := range got {
		if s {
			n++
		}
	}
	if n != 1 || !got[first] {
		t.Fatalf("started %v after interruption, want only unit %d", got, first)
	}
}

func TestLabHoldsComeFromTheManifestsApplied(t *testing.T) {
	normal := labHolds("normal", "", "kind joblab", "s1", 0)
	behaviours := labHolds("behaviours", "", "kind joblab", "s1", 0)
	prime := labHolds("prime", "", "kind joblab", "s1", 0)
	if !shares(normal, behaviours) || !shares(prime, behaviours) || shares(normal, prime) {
		t.Errorf("normal %v, prime %v, behaviours %v: behaviours must share a Job name with normal and prime, normal none with prime", normal, prime, behaviours)
	}
	broker := labHolds("broker", "", "kind joblab", "s1", 0)
	for _, want := range []string{"kind joblab NodePort 31672", "kind joblab s1 Job/pngen", "kind joblab s1 Deployment/taskqueue"} {
		if !slices.Contains(broker, want) {
			t.Errorf("broker holds %v, want %q", broker, want)
		}
	}
	other := labHolds("broker", "", "kind joblab", "s2", 0)
	if got := sharedHolds(broker, other); !slices.Equal(got, []string{"kind joblab NodePort 31672"}) {
		t.Errorf("two namespaces' broker labs share %v, want only the NodePort", got)
	}
	// Students given NodePorts of their own share nothing.
	own := labHolds("broker", "", "kind joblab", "s3", 31673)
	if got := sharedHolds(broker, own); len(got) != 0 || !slices.Contains(own, "kind joblab NodePort 31673") {
		t.Errorf("a broker lab at NodePort 31673 holds %v and shares %v with one at 31672", own, got)
	}
	// Each lab in its own namespace: only cluster-wide things are held.
	for _, h := range labHolds("broker", "", "kind joblab", "", 0) {
		if !strings.Contains(h, "NodePort") {
			t.Errorf("without a shared namespace the broker lab holds %q", h)
		}
	}
	if got := labHolds("normal", "", "kind joblab", "", 0); len(got) != 0 {
		t.Errorf("normal in its own namespace holds %v", got)
	}
}

func TestLabHoldsReadTheStudentsManifests(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "job-normal-end.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: my-job\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n")
	got := labHolds("normal", dir, "c", "s1", 0)
	if !slices.Contains(got, "c s1 Job/my-job") {
		t.Errorf("holds %v, want the student's Job name my-job", got)
	}
}

func sharedHolds(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func TestScheduleRunsAnAloneUnitWithNothingElseOnItsCluster(t *testing.T) {
	// Two students on cluster a, one on cluster b; the node-loss lab of
	// cluster a stops a node there.
	units := []unit{
		{lab: "prime", cluster: "a"},
		{lab: "cron", cluster: "a"},
		{lab: "node-loss", cluster: "a", alone: true},
		{lab: "prime", cluster: "b"},
	}
	p := startProbe(context.Background(), units, 4)
	got := map[int]bool{}
	for range 3 {
		got[p.next(t)] = true
	}
	if !got[0] || !got[1] || !got[3] {
		t.Fatalf("started %v, want the labs 0, 1 and 3, not the alone one", got)
	}
	close(p.release[0])
	if i := p.next(t); i != -1 {
		t.Fatalf("unit %d started while cron still runs on cluster a", i)
	}
	close(p.release[1])
	if i := p.next(t); i != 2 {
		t.Fatalf("started %d, want the alone unit once cluster a is free", i)
	}
	close(p.release[2])
	close(p.release[3])
	<-p.result
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
