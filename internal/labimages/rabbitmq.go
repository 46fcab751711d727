package labimages

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/joblab/joblab/internal/cache"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
	"github.com/joblab/joblab/internal/rootfs"
	"github.com/joblab/joblab/internal/versions"
)

// RabbitMQRef is how the lesson's taskQueue-deploy.yaml names the broker.
const RabbitMQRef = "rabbitmq:latest"

// rabbitmqConfig lets the lesson's workers log in as guest from other pods
// (RabbitMQ allows guest only from localhost by default).
const rabbitmqConfig = `loopback_users.guest = false
listeners.tcp.default = 5672
`

// RabbitMQ builds a RabbitMQ image from Debian's rabbitmq-server and its
// Erlang, served as rabbitmq:latest when Docker Hub cannot be reached.
func RabbitMQ(ctx context.Context, rep *progress.Reporter, c cache.Config) (ociimage.Archive, error) {
	tag := "rabbitmq-" + cache.Tag(recipe, versions.DebianSuite, rabbitmqConfig)
	// The root file system tar is the image's layer until the archive is
	// written; it is removed afterwards.
	tarPath := filepath.Join(dir(c), tag+"-rootfs.tar")
	defer os.Remove(tarPath)
	path, err := cached(c, rep, "rabbitmq (Debian rabbitmq-server)", tag, RabbitMQRef, func(log io.Writer) (v1.Image, error) {
		if err := os.MkdirAll(dir(c), 0o755); err != nil {
			return nil, err
		}
		spec := rootfs.Spec{
			Mirror:   c.DebianMirror,
			Suite:    versions.DebianSuite,
			Packages: []string{"rabbitmq-server"},
			Customize: func(_ context.Context, root string, _ io.Writer) error {
				confDir := filepath.Join(root, "etc/rabbitmq/conf.d")
				if err := os.MkdirAll(confDir, 0o755); err != nil {
					return err
				}
				return os.WriteFile(filepath.Join(confDir, "10-joblab.conf"), []byte(rabbitmqConfig), 0o644)
			},
		}
		if err := rootfs.Build(ctx, spec, tarPath, log); err != nil {
			return nil, err
		}
		layer, err := ociimage.LayerFromTar(tarPath)
		if err != nil {
			return nil, err
		}
		img, err := ociimage.Build([]v1.Layer{layer}, ociimage.Config{
			Entrypoint: []string{"/usr/lib/rabbitmq/bin/rabbitmq-server"},
			User:       "rabbitmq",
			Env: []string{
				"PATH=/usr/lib/rabbitmq/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
				"HOME=/var/lib/rabbitmq",
				"RABBITMQ_LOGS=-",
				"LANG=C.UTF-8",
			},
		})
		if err != nil {
			return nil, fmt.Errorf("rabbitmq image: %w", err)
		}
		return img, nil
	})
	return ociimage.Archive{Ref: RabbitMQRef, Path: path}, err
}
