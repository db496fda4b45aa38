// Usage: node query_bytes.js MANIFEST QUERY...
// Gzip -9 bytes a fresh page fetches for each query's first results: manifest, lunr.js,
// the page's own scripts, facets, the index parts the query needs, the metadata chunks.
'use strict'
const fs = require('fs')
const path = require('path')
const zlib = require('zlib')
const { open } = require('./engine')

const gz = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length
const root = path.resolve(__dirname, '..', '..')

async function main () {
  const [manifestPath, ...queries] = process.argv.slice(2)
  const fixed = {
    manifest: gz(manifestPath),
    lunr: gz(path.join(root, 'node_modules', 'lunr', 'lunr.min.js')),
    scripts: gz(path.join(root, 'themes/default/static/search-worker.js')) +
      gz(path.join(root, 'themes/default/static/search.js'))
  }
  const out = { fixed_kb: {}, queries: {} }
  for (const k in fixed) out.fixed_kb[k] = +(fixed[k] / 1e3).toFixed(1)
  const fixedTotal = Object.values(fixed).reduce((a, b) => a + b, 0)
  for (const q of queries) {
    const { engine, loaded, dir } = open(manifestPath)
    let total = 0
    try {
      const res = await engine.search(q, {})
      await engine.page(res.hits, 0)
      total = res.total
    } catch (err) {
      total = err.message
    }
    const sum = (prefix) => loaded.filter((n) => n.startsWith(prefix))
      .reduce((a, n) => a + gz(path.join(dir, n)), 0)
    out.queries[q] = {
      results: total,
      parts: loaded.filter((n) => n.startsWith('part-')).length,
      index_kb: +(sum('part-') / 1e3).toFixed(1),
      meta_kb: +(sum('meta-') / 1e3).toFixed(1),
      facets_kb: +(sum('facets-') / 1e3).toFixed(1),
      total_kb: +((fixedTotal + sum('')) / 1e3).toFixed(1)
    }
  }
  process.stdout.write(JSON.stringify(out))
}
main().catch((err) => { console.error(err); process.exit(1) })
