package billmgr_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
)

// TestVersionIsTheNewestRelease holds the code's Version to the newest release of
// CHANGELOG.md: cutting a release changes both.
func TestVersionIsTheNewestRelease(t *testing.T) {
	t.Parallel()
	changelog, err := os.ReadFile("CHANGELOG.md")
	require.NoError(t, err)
	newest := regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$`).FindSubmatch(changelog)
	require.NotNil(t, newest, "CHANGELOG.md has no release heading such as \"## [0.1.0] - 2026-11-30\"")
	assert.Equal(t, billmgr.Version, string(newest[1]), "billmgr.Version and the newest release of CHANGELOG.md")
}
