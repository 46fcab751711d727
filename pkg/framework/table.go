package framework

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// tableAccept asks the API server to print objects as kubectl shows them
// (server-side printing): the columns of kubectl get come from the API
// server's own table, not from a copy of kubectl's logic here.
const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"

// TableRow is one row of kubectl get as the API server prints it: the
// object's name and its cells by column name (NAME, READY, STATUS, ...).
type TableRow struct {
	Name  string
	Cells map[string]string
}

// KubectlGet returns what kubectl get shows for a resource of a
// namespace ("pods", "jobs", "cronjobs"), limited by an optional label
// selector, in name order. client is a REST client of the resource's group
// (cs.CoreV1().RESTClient(), cs.BatchV1().RESTClient()).
func KubectlGet(ctx context.Context, client rest.Interface, ns, resource, selector string) ([]TableRow, error) {
	rows, _, err := kubectlGet(ctx, client, ns, resource, selector, false)
	return rows, err
}

// kubectlGet is KubectlGet; with objects, the API server also sends each
// row's whole object (includeObject=Object), raw JSON in the rows' order.
func kubectlGet(ctx context.Context, client rest.Interface, ns, resource, selector string, objects bool) ([]TableRow, [][]byte, error) {
	req := client.Get().Namespace(ns).Resource(resource).SetHeader("Accept", tableAccept)
	if selector != "" {
		req = req.Param("labelSelector", selector)
	}
	if objects {
		req = req.Param("includeObject", string(metav1.IncludeObject))
	}
	raw, err := req.DoRaw(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("kubectl get %s -n %s (server-side printing): %w", resource, ns, err)
	}
	var table metav1.Table
	if err := json.Unmarshal(raw, &table); err != nil {
		return nil, nil, fmt.Errorf("kubectl get %s -n %s: the API server's answer is not a Table: %w", resource, ns, err)
	}
	type row struct {
		TableRow
		object []byte
	}
	all := make([]row, 0, len(table.Rows))
	for _, r := range table.Rows {
		tr := TableRow{Cells: map[string]string{}}
		for i, col := range table.ColumnDefinitions {
			if i < len(r.Cells) {
				tr.Cells[col.Name] = fmt.Sprint(r.Cells[i])
			}
		}
		tr.Name = tr.Cells["Name"]
		all = append(all, row{tr, r.Object.Raw})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	rows := make([]TableRow, len(all))
	objs := make([][]byte, len(all))
	for i, r := range all {
		rows[i], objs[i] = r.TableRow, r.object
	}
	return rows, objs, nil
}

// JobPodsTable lists a Job's pods once: as kubectl get shows them (rows in
// name order) and as objects (oldest first), both from one answer of the
// API server.
func JobPodsTable(ctx context.Context, cs kubernetes.Interface, ns, job string) ([]corev1.Pod, []TableRow, error) {
	rows, objs, err := kubectlGet(ctx, cs.CoreV1().RESTClient(), ns, "pods", "batch.kubernetes.io/job-name="+job, true)
	if err != nil {
		return nil, nil, err
	}
	pods := make([]corev1.Pod, 0, len(objs))
	for i, raw := range objs {
		var p corev1.Pod
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, nil, fmt.Errorf("kubectl get pods -n %s: the pod of row %s: %w", ns, rows[i].Name, err)
		}
		if p.Name == "" {
			return nil, nil, fmt.Errorf("kubectl get pods -n %s: row %s came without its pod (includeObject=Object)", ns, rows[i].Name)
		}
		pods = append(pods, p)
	}
	sort.SliceStable(pods, func(i, j int) bool { return pods[i].CreationTimestamp.Before(&pods[j].CreationTimestamp) })
	return pods, rows, nil
}

// KubectlGetJob reads what kubectl get jobs shows in a namespace and the
// named Job as the API server holds it, from one answer.
func KubectlGetJob(ctx context.Context, cs kubernetes.Interface, ns, name string) (*batchv1.Job, []TableRow, error) {
	rows, objs, err := kubectlGet(ctx, cs.BatchV1().RESTClient(), ns, "jobs", "", true)
	if err != nil {
		return nil, nil, err
	}
	for i, r := range rows {
		if r.Name != name {
			continue
		}
		var j batchv1.Job
		if err := json.Unmarshal(objs[i], &j); err != nil {
			return nil, nil, fmt.Errorf("kubectl get jobs -n %s: the Job of row %s: %w", ns, name, err)
		}
		if j.Name != name {
			return nil, nil, fmt.Errorf("kubectl get jobs -n %s: row %s came without its Job (includeObject=Object)", ns, name)
		}
		return &j, rows, nil
	}
	return nil, rows, fmt.Errorf("kubectl get jobs -n %s: no Job %s", ns, name)
}

// KubectlColumn is one column of KubectlGet's rows, for the named objects
// (all when names is empty), joined with commas in name order.
func KubectlColumn(rows []TableRow, column string) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.Cells[column])
	}
	return out
}

// KubectlCell is the cell of one named object, "" when it is not listed.
func KubectlCell(rows []TableRow, name, column string) string {
	for _, r := range rows {
		if r.Name == name {
			return r.Cells[column]
		}
	}
	return ""
}
