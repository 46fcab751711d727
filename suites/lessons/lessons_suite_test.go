//go:build e2e

// Package lessons runs the lesson's specs (pkg/specs) under ginkgo, with
// the settings of the environment: make e2e and make lab.
package lessons

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/pkg/specs"
)

func TestLessons(t *testing.T) {
	RegisterFailHandler(Fail)
	specs.Register(settings.FromEnv())
	RunSpecs(t, specs.SuiteName)
}
