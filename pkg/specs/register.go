package specs

// The lesson's labs, one Describe each, labelled with the lab's name (the
// label the command, make lab and the reports use): Register registers
// them, so the joblab command and the ginkgo suite run the same specs.

import (
	"context"

	"github.com/joblab/joblab/lesson"

	. "github.com/onsi/ginkgo/v2"
)

// registerLessonLabs registers the specs of the labs written in Go.
func registerLessonLabs() {
	Describe(lesson.Describe("broker"), Label("broker"), func() {
		It("runs four workers, two at a time, each printing exactly the primes of its item", func(ctx context.Context) {
			BrokerSpec(ctx, BrokerInput{Env: env, Lab: "broker"})
		})
	})
}
