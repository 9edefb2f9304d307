// A plain node:http handler: what a `module` vassal runs in each worker.
export default function hello(req, res) {
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`${process.env.GREETING ?? "Hello"} from uwemperor worker ${process.env.UW_WORKER_ID} (pid ${process.pid}) of ${process.env.UW_VASSAL}\n`);
}
