// Usage: node facets.js MANIFEST QUERY SELECTED_JSON
// The worker's whole answer to one search: total, every hit's ref, facet counts, first page.
'use strict'
const { open } = require('./engine')

async function main () {
  const [manifestPath, text, selected] = process.argv.slice(2)
  const { engine, loaded } = open(manifestPath)
  const res = await engine.search(text, JSON.parse(selected))
  const page = await engine.page(res.hits, 0)
  process.stdout.write(JSON.stringify({
    total: res.total,
    refs: res.hits.map((h) => h.ref),
    facets: res.facets,
    page: page,
    notes: res.notes,
    notice: res.notice,
    retry: res.retry,
    loaded: loaded
  }))
}
main().catch((err) => { console.error(err); process.exit(1) })
