// Package report renders the progress report, a viewdb.Report value built
// once from porting.db, as Markdown, as a self-contained HTML page and as
// an SVG chart. The writers hold no SQL.
package report
