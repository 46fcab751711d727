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

	// node-loss stops a worker: Serial, so that no other spec of the suite
	// has pods on it meanwhile (the joblab command runs it alone likewise).
	Describe(lesson.Describe("node-loss"), Label("node-loss"), Serial, func() {
		It("starts the pod of a crashed worker again on another node, and the Job completes", func(ctx context.Context) {
			NodeLossSpec(ctx, NodeLossInput{Env: env, Lab: "node-loss"})
		})
	})

	// The modern track: labelled with the track and the lab.

	Describe(lesson.Describe("cron-policies"), Label(lesson.ModernTrack, "cron-policies"), func() {
		It("overlaps, skips or replaces a run that outlives its minute, and keeps one failed Job", func(ctx context.Context) {
			CronPoliciesSpec(ctx, ModernInput{Env: env, Lab: "cron-policies"})
		})
	})

	Describe("joblab itself", Label("harness"), func() {
		It("reports an image that cannot be pulled at once, naming it", func(ctx context.Context) {
			MissingImageSpec(ctx, env)
		})
	})
}
