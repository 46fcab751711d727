package framework

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/joblab/joblab/internal/settings"
)

// APIRequestsServed sums apiserver_request_total from the API server's
// metrics: every request it has served since it started, from all clients.
func APIRequestsServed(ctx context.Context, cs kubernetes.Interface) (float64, error) {
	raw, err := cs.Discovery().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return 0, err
	}
	return sumMetric(raw, "apiserver_request_total"), nil
}

func sumMetric(text []byte, name string) float64 {
	var total float64
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 1024*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		fields := strings.Fields(line)
		if v, err := strconv.ParseFloat(fields[len(fields)-1], 64); err == nil {
			total += v
		}
	}
	return total
}

// requestCounter counts the requests this process's clients send.
var requestCounter atomic.Int64

// RequestsSent is how many API requests this test process has sent.
func RequestsSent() int64 { return requestCounter.Load() }

// TraceRequestsEnv names the environment variable that, set to a file
// path, makes the process append one line per API request it sends
// (time, method, path and query): what the per-lab request count is made
// of.
const TraceRequestsEnv = settings.TraceRequestsEnv

var (
	traceOnce sync.Once
	traceMu   sync.Mutex
	traceFile *os.File
)

type countingTransport struct{ next http.RoundTripper }

func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	requestCounter.Add(1)
	traceRequest(req)
	return t.next.RoundTrip(req)
}

// traceRequest appends req to the file RequestTraceEnv names, if any.
func traceRequest(req *http.Request) {
	traceOnce.Do(func() {
		if path := os.Getenv(TraceRequestsEnv); path != "" {
			f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
			if err == nil {
				traceFile = f
			}
		}
	})
	if traceFile == nil {
		return
	}
	traceMu.Lock()
	defer traceMu.Unlock()
	fmt.Fprintf(traceFile, "%s %s %s\n", time.Now().Format("15:04:05.000"), req.Method, req.URL.RequestURI())
}
