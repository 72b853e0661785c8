//go:build go1.24

package xmlscan

// encodingXMLRefusesCDATAEndInAttributes is false from Go 1.24 on: see
// xmlquirk_go123_test.go.
const encodingXMLRefusesCDATAEndInAttributes = false
