// Package labcluster brings up the lesson's cluster with every lab image
// available: the one flow that both the joblab command and the suites use.
package labcluster

import (
	"context"
	"io"

	"github.com/joblab/joblab/internal/labimages"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
	"github.com/joblab/joblab/pkg/cluster"
)

// Up checks Docker, builds (or finds in the cache) the lab images, and
// creates or reuses the cluster with them: pushed to the mirror offline,
// loaded into the nodes online (Docker Hub images only offline).
func Up(ctx context.Context, opts cluster.Options, out io.Writer) (*cluster.Cluster, error) {
	if err := cluster.CheckDocker(ctx); err != nil {
		return nil, err
	}
	images, err := labimages.All(ctx, progress.New(out, opts.LogDir, 0))
	if err != nil {
		return nil, err
	}
	opts.Images = append(opts.Images, clusterImages(images.Lab)...)
	opts.OfflineOnly = append(opts.OfflineOnly, clusterImages(images.Offline)...)
	opts.Out = out
	return cluster.Up(ctx, opts)
}

func clusterImages(archives []ociimage.Archive) []cluster.Image {
	out := make([]cluster.Image, len(archives))
	for i, a := range archives {
		out[i] = cluster.Image{Ref: a.Ref, Archive: a.Path}
	}
	return out
}
