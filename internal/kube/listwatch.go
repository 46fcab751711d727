// Package kube holds the small client-go helpers that joblab's waits share.
package kube

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
)

// ListWatch builds a ListWatch from a typed client's List and Watch, for
// watchtools.UntilWithSync. narrow, when given, sets the selectors of both.
func ListWatch[L runtime.Object](
	list func(context.Context, metav1.ListOptions) (L, error),
	watchFn func(context.Context, metav1.ListOptions) (watch.Interface, error),
	narrow func(*metav1.ListOptions),
) *cache.ListWatch {
	apply := func(o metav1.ListOptions) metav1.ListOptions {
		if narrow != nil {
			narrow(&o)
		}
		return o
	}
	return &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return list(ctx, apply(o))
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			return watchFn(ctx, apply(o))
		},
	}
}

// ByName narrows a list or watch to the object of that name.
func ByName(name string) func(*metav1.ListOptions) {
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	return func(o *metav1.ListOptions) { o.FieldSelector = sel }
}

// ByLabels narrows a list or watch to a label selector.
func ByLabels(selector string) func(*metav1.ListOptions) {
	return func(o *metav1.ListOptions) { o.LabelSelector = selector }
}

// ByFields narrows a list or watch to a field selector.
func ByFields(selector string) func(*metav1.ListOptions) {
	return func(o *metav1.ListOptions) { o.FieldSelector = selector }
}
