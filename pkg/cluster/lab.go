package cluster

import (
	"context"
	"io"

	"github.com/joblab/joblab/internal/labimages"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
)

// UpWithLabImages is the lesson's cluster with every lab image available,
// the one flow that the joblab command and the suites use: it checks
// Docker, builds (or finds in the cache) the lab images while the
// cluster's own images build (offline) or while the cluster is created
// (online), and creates or reuses the cluster with them, pushed to the
// mirror offline, loaded into the nodes online (Docker Hub's own images
// are only built offline).
func UpWithLabImages(ctx context.Context, opts Options, out io.Writer) (*Cluster, error) {
	if err := CheckDocker(ctx); err != nil {
		return nil, err
	}
	// Resolve the mode first: online, the published images give busybox
	// and rabbitmq, so they are not built.
	mode, _, err := ResolveMode(ctx, opts.Mode)
	if err != nil {
		return nil, err
	}
	opts.Mode = mode
	opts.labImages = func(ctx context.Context, rep *progress.Reporter, mode Mode) ([]Image, []Image, error) {
		images, err := labimages.ForCluster(ctx, rep, opts.cache(), mode == Offline)
		return archiveImages(images.Lab), archiveImages(images.Offline), err
	}
	opts.Out = out
	return Up(ctx, opts)
}

func archiveImages(archives []ociimage.Archive) []Image {
	out := make([]Image, len(archives))
	for i, a := range archives {
		out[i] = Image{Ref: a.Ref, Archive: a.Path}
	}
	return out
}
