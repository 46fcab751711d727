// Package joblab holds what the repository's top level gives its users
// as files: kind-config.yaml, the lesson's cluster, which a user reads,
// edits and hands to `kind create cluster --config kind-config.yaml`, and
// which the joblab binary builds its cluster from. The code lives in cmd/,
// pkg/, internal/, lesson/ and suites/.
package joblab

import "embed"

// KindConfig is kind-config.yaml: the lesson's kind cluster.
//
//go:embed kind-config.yaml
var KindConfig []byte

// LessonLabs are joblab's own lab folders (joblab/v1, one folder a lab,
// like a teacher's): the labs of the lesson and of the modern track that
// need no Go of their own.
//
//go:embed lessonlabs
var LessonLabs embed.FS
