package framework

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	req := client.Get().Namespace(ns).Resource(resource).SetHeader("Accept", tableAccept)
	if selector != "" {
		req = req.Param("labelSelector", selector)
	}
	raw, err := req.DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("kubectl get %s -n %s (server-side printing): %w", resource, ns, err)
	}
	var table metav1.Table
	if err := json.Unmarshal(raw, &table); err != nil {
		return nil, fmt.Errorf("kubectl get %s -n %s: the API server's answer is not a Table: %w", resource, ns, err)
	}
	rows := make([]TableRow, 0, len(table.Rows))
	for _, r := range table.Rows {
		row := TableRow{Cells: map[string]string{}}
		for i, col := range table.ColumnDefinitions {
			if i < len(r.Cells) {
				row.Cells[col.Name] = fmt.Sprint(r.Cells[i])
			}
		}
		row.Name = row.Cells["Name"]
		rows = append(rows, row)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	return rows, nil
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
