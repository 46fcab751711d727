package report

import (
	"errors"
	"os/exec"
)

// browsers are the Chromium builds the report's browser checks can drive,
// in the order they are looked for: Debian's chromium, Ubuntu's
// chromium-browser, Google Chrome (on GitHub's Ubuntu runners).
var browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Browser finds a headless-capable Chromium on PATH.
func Browser() (string, error) {
	for _, b := range browsers {
		if p, err := exec.LookPath(b); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium or Chrome on PATH: run tools/prepare-host.sh (Debian's chromium) or install Google Chrome")
}
