import { loadQueueConfig } from './queue-config';

describe('loadQueueConfig', () => {
  it('defaults to a 60 s heartbeat timeout, heartbeats every 20 s and a reaper every 5 s', () => {
    expect(loadQueueConfig({})).toEqual({ heartbeatTimeoutSeconds: 60, heartbeatIntervalSeconds: 20, reaperIntervalSeconds: 5 });
  });

  it('derives the interval and reaper period from a shorter timeout unless they are set', () => {
    expect(loadQueueConfig({ DEFECTLAB_RUN_HEARTBEAT_TIMEOUT_S: '4' })).toEqual({ heartbeatTimeoutSeconds: 4, heartbeatIntervalSeconds: 4 / 3, reaperIntervalSeconds: 1 });
    expect(loadQueueConfig({ DEFECTLAB_RUN_HEARTBEAT_TIMEOUT_S: '30', DEFECTLAB_RUN_HEARTBEAT_INTERVAL_S: '2', DEFECTLAB_RUN_REAPER_INTERVAL_S: '0.5' })).toEqual({
      heartbeatTimeoutSeconds: 30,
      heartbeatIntervalSeconds: 2,
      reaperIntervalSeconds: 0.5,
    });
  });

  it('rejects a value that is not a positive number, naming the variable', () => {
    expect(() => loadQueueConfig({ DEFECTLAB_RUN_HEARTBEAT_TIMEOUT_S: 'soon' })).toThrow('DEFECTLAB_RUN_HEARTBEAT_TIMEOUT_S=soon');
    expect(() => loadQueueConfig({ DEFECTLAB_RUN_REAPER_INTERVAL_S: '0' })).toThrow('DEFECTLAB_RUN_REAPER_INTERVAL_S');
  });
});
