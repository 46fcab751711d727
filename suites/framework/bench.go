package framework

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

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

type countingTransport struct{ next http.RoundTripper }

func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	requestCounter.Add(1)
	return t.next.RoundTrip(req)
}
