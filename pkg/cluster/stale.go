package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	kindcluster "sigs.k8s.io/kind/pkg/cluster"

	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
)

// evictStaleImages makes a rebuilt lab program what the next pod runs.
// The lesson's manifests name the lab images by a fixed tag and pull them
// IfNotPresent, so a node that holds an older build under that tag would
// keep running it. For each image whose digest on a node differs from the
// archive just pushed to the mirror, the node's copy is removed; the next
// pod pulls the new build from the mirror. An image in use by a running
// container cannot be removed: that is reported, not hidden.
func evictStaleImages(ctx context.Context, rep *progress.Reporter, provider *kindcluster.Provider, name string, images []Image) error {
	nodes, err := provider.ListInternalNodes(name)
	if err != nil {
		return err
	}
	return rep.Run(fmt.Sprintf("replace stale builds of %d lab images on the nodes", len(images)), func(log io.Writer) error {
		for _, img := range images {
			archive, err := ociimage.ReadArchive(img.Archive)
			if err != nil {
				return fmt.Errorf("reading %s: %w (remove the file to rebuild it)", img.Archive, err)
			}
			digest, err := archive.Digest()
			if err != nil {
				return fmt.Errorf("digest of %s: %w", img.Ref, err)
			}
			for _, n := range nodes {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				var out, errOut bytes.Buffer
				cmd := n.CommandContext(ctx, "crictl", "inspecti", "-o", "json", img.Ref)
				cmd.SetStdout(&out)
				cmd.SetStderr(&errOut)
				if err := cmd.Run(); err != nil {
					if strings.Contains(strings.ToLower(errOut.String()), "no such image") || strings.Contains(strings.ToLower(errOut.String()), "not found") {
						fmt.Fprintf(log, "%s: %s not present\n", n.String(), img.Ref)
						continue
					}
					return fmt.Errorf("crictl inspecti %s on node %s: %w: %s", img.Ref, n.String(), err, strings.TrimSpace(errOut.String()))
				}
				var info struct {
					Status struct {
						RepoDigests []string `json:"repoDigests"`
					} `json:"status"`
				}
				if err := json.Unmarshal(out.Bytes(), &info); err != nil {
					return fmt.Errorf("crictl inspecti %s on %s: %w", img.Ref, n.String(), err)
				}
				if holds(info.Status.RepoDigests, digest.String()) {
					fmt.Fprintf(log, "%s: %s is the current build %s\n", n.String(), img.Ref, digest)
					continue
				}
				fmt.Fprintf(log, "%s: %s is an older build (%v); removing it so the next pod pulls %s\n", n.String(), img.Ref, info.Status.RepoDigests, digest)
				var rmOut bytes.Buffer
				rm := n.CommandContext(ctx, "crictl", "rmi", img.Ref)
				rm.SetStdout(&rmOut)
				rm.SetStderr(&rmOut)
				if err := rm.Run(); err != nil {
					rep.Printf("    warning: %s keeps an older build of %s (in use by a running container?): %s", n.String(), img.Ref, strings.TrimSpace(rmOut.String()))
				}
			}
		}
		return nil
	})
}

func holds(repoDigests []string, digest string) bool {
	for _, d := range repoDigests {
		if strings.HasSuffix(d, "@"+digest) {
			return true
		}
	}
	return false
}
