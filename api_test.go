package billmgr

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEverySeedFunctionHasAMethod takes the function names of the vendor's reference page
// (testdata/seed-account-api.ru.txt, a copy of ../shared/docs/seed-account-api.ru.txt): the
// "account" list at its top and every "Функция: NAME" line, and requires a method whose doc
// comment says "// API: NAME" for each.
func TestEverySeedFunctionHasAMethod(t *testing.T) {
	t.Parallel()
	seed, err := os.ReadFile(filepath.Join("testdata", "seed-account-api.ru.txt"))
	require.NoError(t, err)
	want := map[string]bool{"account": true}
	for _, m := range regexp.MustCompile(`(?m)^Функция: ([a-z_.]+)\s*$`).FindAllStringSubmatch(string(seed), -1) {
		want[m[1]] = true
	}
	require.Len(t, want, 51, "the reference page names 51 functions")

	covered := map[string]bool{}
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range regexp.MustCompile(`(?m)^\s*// API: ([a-z_.]+)\s*$`).FindAllStringSubmatch(string(src), -1) {
			covered[m[1]] = true
		}
	}
	var missing []string
	for fn := range want {
		if !covered[fn] {
			missing = append(missing, fn)
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "functions without a typed method")
}
