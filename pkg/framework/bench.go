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

// The trace of this process's API requests (Settings.TraceRequests): one
// line per request, appended to a file, for the process's life, as the
// counter above counts them.
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

// traceRequestsTo starts the trace of this process's API requests in the
// file at path ("" for none); the first call decides.
func traceRequestsTo(path string) {
	traceOnce.Do(func() {
		if path == "" {
			return
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		traceMu.Lock()
		defer traceMu.Unlock()
		if err == nil {
			traceFile = f
		}
	})
}

// traceRequest appends req to the trace, if one was started.
func traceRequest(req *http.Request) {
	traceMu.Lock()
	defer traceMu.Unlock()
	if traceFile == nil {
		return
	}
	fmt.Fprintf(traceFile, "%s %s %s\n", time.Now().Format("15:04:05.000"), req.Method, req.URL.RequestURI())
}
