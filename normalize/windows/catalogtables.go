package windows

import (
	"sync"

	"github.com/nomenhq/nomen/normalize/wincatalog"
)

// fromCatalog holds the tables drawn from package wincatalog's, built on
// the first Windows record: the catalog is parsed only then (a relay that
// never sees a Windows event does not hold it), so neither can these be
// built at start.
var fromCatalog struct {
	once             sync.Once
	dataKeys         *nameTable                     // "winlog.event_data."+name for the known names
	nxlogExpected    map[*wincatalog.Entry][]string // per row, the EventData names NXLog also uses itself
	nxlogChannelRows []*wincatalog.Entry            // the rows that map an EventData "Channel"
	sysmonNames      map[string]bool                // Sysmon's EventData names
}

// catalogTables builds fromCatalog on the first call. It is a sync.Once
// the compiler inlines, as are the accessors below: they run for every
// EventData value of every record.
func catalogTables() { fromCatalog.once.Do(buildCatalogTables) }

func buildCatalogTables() {
	fromCatalog.dataKeys = buildWinDataKeys()
	fromCatalog.nxlogExpected = buildNXLogExpected()
	fromCatalog.nxlogChannelRows = buildNXLogChannelRows()
	fromCatalog.sysmonNames = buildSysmonNames()
}

func winDataKeys() *nameTable {
	catalogTables()
	return fromCatalog.dataKeys
}

func nxlogExpected() map[*wincatalog.Entry][]string {
	catalogTables()
	return fromCatalog.nxlogExpected
}

func nxlogChannelRows() []*wincatalog.Entry {
	catalogTables()
	return fromCatalog.nxlogChannelRows
}

func sysmonNames() map[string]bool {
	catalogTables()
	return fromCatalog.sysmonNames
}
