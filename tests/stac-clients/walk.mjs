// Walks Sightline's STAC API with stac-js (a STAC client library nobody here wrote): landing page -> collections
// (paged) -> items (paged) -> assets, then a GET and a POST item search. Prints "STAC-JS WALK OK" when every step holds.
import create from 'stac-js';

const root = process.env.STAC_URL;
const steps = [];
function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}
async function get(url, init) {
  const response = await fetch(url, init);
  check(response.status === 200, `${init?.method ?? 'GET'} ${url} answers 200 (got ${response.status})`);
  return response;
}
const json = async (url, init) => (await get(url, init)).json();

const landing = create(await json(root), false);
check(landing.isCatalog, 'the landing page is a Catalog');
const collectionsLink = landing.getApiCollectionsLink();
check(collectionsLink, 'the landing page links its collections (rel=data)');

// Every collection, page by page, through the pagination links stac-js finds.
let collections = [];
let next = collectionsLink.href + '?limit=2';
while (next) {
  const page = create(await json(next), false);
  check(page.isCollectionCollection, 'the collections answer is a collection of Collections');
  collections = collections.concat(page.getAll());
  next = page.getPaginationLinks().next?.href;
}
check(collections.length > 0, 'there are collections');
steps.push({ step: 'collections', count: collections.length });

let itemsSeen = 0;
let assetsFetched = 0;
let firstItem = null;
for (const collection of collections) {
  check(collection.isCollection, `${collection.id} is a Collection`);
  const bbox = collection.getBoundingBox();
  check(Array.isArray(bbox) && bbox.length === 4, `${collection.id} has a bounding box`);
  const itemsLink = collection.getApiItemsLink();
  check(itemsLink, `${collection.id} links its items`);
  let itemsUrl = itemsLink.href + '?limit=3';
  let count = 0;
  while (itemsUrl) {
    const items = create(await json(itemsUrl), false);
    check(items.isItemCollection, 'the items answer is an ItemCollection');
    for (const item of items.getAll()) {
      check(item.isItem, `${item.id} is an Item`);
      check(item.getCollectionLink()?.href.endsWith(collection.id), `${item.id} links its collection`);
      check(item.getDateTime() instanceof Date, `${item.id} has a datetime`);
      firstItem ??= item;
      count++;
    }
    itemsUrl = items.getPaginationLinks().next?.href;
  }
  check(count === collection['stats:items'].count, `${collection.id}: walked ${count} items of ${collection['stats:items'].count}`);
  itemsSeen += count;
}
steps.push({ step: 'items', count: itemsSeen });

// The assets of one item: a thumbnail and a visual image that really are JPEGs.
for (const role of ['thumbnail', 'visual', 'data']) {
  const asset = firstItem.getAssetWithRole(role);
  check(asset, `${firstItem.id} has an asset with role ${role}`);
  const response = await get(asset.getAbsoluteUrl());
  check(response.headers.get('content-type').startsWith('image/jpeg'), `${role} asset is a JPEG`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  check(bytes[0] === 0xff && bytes[1] === 0xd8, `${role} asset starts like a JPEG`);
  assetsFetched++;
}
steps.push({ step: 'assets', count: assetsFetched });

// Search by the first collection's box, GET and POST, as stac-js finds the links.
const box = collections[0].getBoundingBox();
const getSearch = landing.getSearchLink('GET');
const postSearch = landing.getSearchLink('POST');
check(getSearch && postSearch, 'the landing page links GET and POST search');
const found = create(await json(`${getSearch.href}?bbox=${box.join(',')}&limit=100`), false);
check(found.isItemCollection && found.getAll().length > 0, 'GET search finds items in the box');
check(found.getAll().every(i => { const [x, y] = i.geometry.coordinates; return x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]; }),
  'every item found lies in the box');
const posted = create(await json(postSearch.href, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ collections: [collections[0].id], limit: 1000 }),
}), false);
check(posted.getAll().length === collections[0]['stats:items'].count, 'POST search by collection finds all its items');
check(posted.getAll().every(i => i.collection === collections[0].id), 'POST search by collection finds only its items');
steps.push({ step: 'search', get: found.getAll().length, post: posted.getAll().length });

console.log(JSON.stringify(steps));
console.log('STAC-JS WALK OK');
