package billmgr

// TaxRulesService calls the taxrule functions of the account API.
type TaxRulesService service
