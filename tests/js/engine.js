// Shared by the node scripts: the search worker's Engine over files on disk.
'use strict'
const fs = require('fs')
const path = require('path')
const root = path.resolve(__dirname, '..', '..')
global.lunr = require(path.join(root, 'node_modules', 'lunr'))
const vendor = path.join(root, 'node_modules', 'lunr-languages', 'min')
const loaded = new Set()

// lunr-languages' scripts the manifest lists, as the worker loads them (the shipped, minified
// ones, in order, once): an index whose manifest lacks one fails here as in a browser.
function loadScripts (names) {
  for (const name of names) {
    if (!/^lunr\.[a-z.]+\.min\.js$/.test(name)) throw new Error('not a script of lunr-languages: ' + name)
    if (!loaded.has(name)) require(path.join(vendor, name))(global.lunr)
    loaded.add(name)
  }
}
const worker = require(path.join(root, 'themes', 'default', 'static', 'search-worker.js'))

// An Engine reading parts next to the manifest; `loaded` lists every file it read.
function open (manifestPath) {
  const dir = path.dirname(manifestPath)
  const loaded = []
  const load = (name) => new Promise((resolve) => {
    loaded.push(name)
    resolve(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')))
  })
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
  loadScripts(manifest.scripts || [])
  // The messages in the theme's English (SEARCH_TEXTS: its search_js_ texts, as the page sends them).
  const engine = new worker.Engine(manifest, load, worker.wording(JSON.parse(process.env.SEARCH_TEXTS || '{}'), 'en'))
  if (process.env.SEARCH_MAX_BYTES) engine.maxBytes = Number(process.env.SEARCH_MAX_BYTES) // a smaller budget, as a larger index meets
  return { engine, loaded, dir }
}

module.exports = { open, loadScripts, worker, lunr: global.lunr }
