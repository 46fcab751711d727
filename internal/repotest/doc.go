// Package repotest holds the tests that keep the repository honest: the
// layers import one way, settings are read in one place, the checker
// shares no code with the lab programs, and the tree holds source only.
package repotest
