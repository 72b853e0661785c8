module github.com/go-billmgr/billmgr

go 1.23

require (
	github.com/google/go-querystring v1.2.0
	github.com/shopspring/decimal v1.6.0
)
