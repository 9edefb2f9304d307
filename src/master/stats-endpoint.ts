// The master's stats server (`stats = ADDR`): opened once the sockets are
// bound, kept across reloads (moved only when its address or mode changed),
// closed on stop. It serves the collector's document and its /metrics.
import type { VassalConfig } from '../config/vassal-config.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { masterMetricFamilies, renderMetrics } from '../stats/metrics.js';
import { startStatsServer, type StatsServer, type StatsSource } from '../stats/stats-server.js';
import type { StatsCollector } from './stats-collector.js';

/** What makes two stats configs the same server. */
function identity(config: VassalConfig): string | null {
  return config.stats === undefined ? null : `${config.stats.spec} ${String(config.statsHttp)} ${String(config.statsChmod ?? '')}`;
}

export class StatsEndpoint {
  private server: StatsServer | null = null;
  private current: string | null = null;
  private currentSpec: string | null = null;
  private readonly source: StatsSource;

  constructor(collector: StatsCollector, private readonly log: Logger) {
    this.source = {
      document: () => collector.collect(),
      metrics: () => collector.collect().then((doc) => renderMetrics(masterMetricFamilies(doc))),
    };
  }

  /** Listen as `config` says (nothing without `stats`); throws UwError naming the option `stats`. */
  async open(config: VassalConfig): Promise<void> {
    if (config.stats === undefined) return;
    this.server = await this.listen(config, config.stats.address);
    this.current = identity(config);
    this.currentSpec = config.stats.spec;
  }

  private async listen(config: VassalConfig, address: NonNullable<VassalConfig['stats']>['address']): Promise<StatsServer> {
    const server = await startStatsServer(
      { address, option: 'stats', file: config.file, mode: config.statsChmod ?? 0o600, httpAlways: config.statsHttp },
      this.source,
      (err) => this.log.error({ err }, 'stats server error'),
    );
    this.log.info({ where: server.where }, 'stats server listening');
    return server;
  }

  /**
   * After a reload: follow the new config if it changed. A new address is bound
   * before the old one is closed, so a failure (in use) keeps the old server
   * and is logged; the same address with another mode is reopened in place.
   */
  async reconfigure(config: VassalConfig): Promise<void> {
    const wanted = identity(config);
    if (wanted === this.current) return;
    const sameAddress = config.stats !== undefined && this.currentSpec === config.stats.spec;
    if (config.stats === undefined || sameAddress) await this.close();
    if (config.stats === undefined) return;
    try {
      const server = await this.listen(config, config.stats.address);
      await this.close();
      this.server = server;
      this.current = wanted;
      this.currentSpec = config.stats.spec;
    } catch (err) {
      this.log.error({ error: describeError(err) }, 'stats server not moved');
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.current = null;
    this.currentSpec = null;
    if (server) await server.close();
  }
}
