module github.com/go-billmgr/billmgr

go 1.23.0

require (
	github.com/google/go-querystring v1.2.0
	github.com/muktihari/xmltokenizer v0.0.5
	github.com/shopspring/decimal v1.6.0
	github.com/spf13/cobra v1.10.2
	github.com/spf13/pflag v1.0.9
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
	golang.org/x/net v0.43.0
	golang.org/x/text v0.28.0
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
