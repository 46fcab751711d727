//go:build e2e

package lessons

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestLessons(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, SuiteName)
}
