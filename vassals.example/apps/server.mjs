// A plain Node server script, as it would run under `node server.mjs`: under
// uw (script = server.mjs) it runs unchanged in every worker.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.end(`hello from script worker ${process.pid}\n`);
});
server.listen(process.env.PORT || 3000, () => console.log(`listening on ${process.env.PORT || 3000}`));
