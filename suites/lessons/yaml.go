//go:build e2e

package lessons

import "sigs.k8s.io/yaml"

func yamlToJSON(data []byte) ([]byte, error) { return yaml.YAMLToJSON(data) }
