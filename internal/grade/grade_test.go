package grade

import (
	"reflect"
	"testing"
)

func service(ports ...map[string]any) map[string]any {
	list := make([]any, len(ports))
	for i, p := range ports {
		list[i] = p
	}
	return map[string]any{"apiVersion": "v1", "kind": "Service", "spec": map[string]any{"type": "NodePort", "ports": list}}
}

func nodePorts(obj map[string]any) []any {
	var out []any
	for _, p := range obj["spec"].(map[string]any)["ports"].([]any) {
		out = append(out, p.(map[string]any)["nodePort"])
	}
	return out
}

// The dry run is made without the written nodePorts (a NodePort another
// Service holds would be refused), and what it returns carries the written
// ones again, port by port, with the ones the server allocated removed.
func TestNodePortsAreComparedAsWritten(t *testing.T) {
	obj := service(map[string]any{"port": int64(5672), "nodePort": int64(31672)}, map[string]any{"port": int64(15672)})
	written := takeNodePorts(obj)
	if got := nodePorts(obj); !reflect.DeepEqual(got, []any{nil, nil}) {
		t.Fatalf("sent to the dry run with nodePorts %v, want none", got)
	}
	// What the API server returns: both ports allocated at random.
	stored := service(map[string]any{"port": int64(5672), "nodePort": int64(30001)}, map[string]any{"port": int64(15672), "nodePort": int64(30002)})
	putNodePorts(stored, written)
	if got, want := nodePorts(stored), []any{int64(31672), nil}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after the dry run nodePorts are %v, want %v (as written)", got, want)
	}
}

// nodePort: 0 is the API server's "unset": no port written.
func TestANodePortOfZeroIsNoneWritten(t *testing.T) {
	obj := service(map[string]any{"port": int64(5672), "nodePort": int64(0)})
	written := takeNodePorts(obj)
	stored := service(map[string]any{"port": int64(5672), "nodePort": int64(30001)})
	putNodePorts(stored, written)
	if got := nodePorts(stored); !reflect.DeepEqual(got, []any{nil}) {
		t.Fatalf("nodePort 0 came back as %v, want none", got)
	}
}

func TestOtherKindsKeepTheirFields(t *testing.T) {
	job := map[string]any{"apiVersion": "batch/v1", "kind": "Job", "spec": map[string]any{"ports": []any{map[string]any{"nodePort": int64(1)}}}}
	if w := takeNodePorts(job); w != nil {
		t.Fatalf("took %v from a Job", w)
	}
	putNodePorts(job, nil)
	if got := nodePorts(job); !reflect.DeepEqual(got, []any{int64(1)}) {
		t.Fatalf("a Job's field changed: %v", got)
	}
}
