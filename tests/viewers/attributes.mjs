// Every attribute of an HDF5 file as Neurosift shows it: read with h5wasm (Neurosift's HDF5 reader), then
// JSON.stringify for arrays and objects, String() for the rest (its default view and HDF5 panel).
// Prints {"attributes": n, "problems": [...]}: an attribute whose display throws (a 64-bit integer array is a
// BigInt64Array, which JSON.stringify refuses: the page goes blank).
import h5wasm from "h5wasm/node";

await h5wasm.ready;
const file = new h5wasm.File(process.argv[2], "r");
const problems = [];
let count = 0;

function visit(path) {
  const item = path === "/" ? file : file.get(path);
  for (const [key, attribute] of Object.entries(item.attrs)) {
    count++;
    try {
      const value = attribute.value;
      typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
    } catch (error) {
      problems.push(`${path} ${key}: ${error}`);
    }
  }
  if (item.type === "Group") {
    for (const name of item.keys()) visit(path === "/" ? `/${name}` : `${path}/${name}`);
  }
}

visit("/");
file.close();
console.log(JSON.stringify({ attributes: count, problems }));
